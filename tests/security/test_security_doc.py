"""docs/security.md's access-policy section is exactly the generated permission matrix."""

from crm.management.commands.security_matrix import (
    END,
    START,
    render_markdown,
    replace_section,
    security_doc_path,
)


def test_security_doc_matrix_section_is_the_tested_policy():
    document = security_doc_path().read_text(encoding="utf-8")
    assert START in document, "docs/security.md lost its matrix:start marker"
    assert END in document, "docs/security.md lost its matrix:end marker"
    section = document[document.index(START) : document.index(END) + len(END)] + "\n"
    assert section == render_markdown(), (
        "docs/security.md differs from tests/security/matrix.py; run "
        "`python manage.py security_matrix --write` and review the diff"
    )


def test_replace_section_keeps_other_headings():
    document = f"# Security\n\n## Other\n\ntext\n\n{START}\nold\n{END}\n\n## After\n\nmore\n"
    replaced = replace_section(document, f"{START}\nnew\n{END}\n")
    assert (
        replaced == f"# Security\n\n## Other\n\ntext\n\n{START}\nnew\n{END}\n\n## After\n\nmore\n"
    )
