"""`python -m bench`: the benchmark harness (bench/harness.py), with Django set up first."""

import os
import sys
import warnings

import django


def run() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    # WhiteNoise warns about a missing collectstatic directory: irrelevant to server time.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from bench.harness import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
