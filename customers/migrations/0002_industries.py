"""Reference data: the 20 sections of GB/T 4754-2017 with default policy flags and risk."""

from django.db import migrations

# code, English, Chinese, policy supported, stable demand, good prospects, risk 1-5.
# Flags and risk are defaults for admins to adjust (DOMAIN.md §2, §10), not regulation.
SECTIONS = [
    ("A", "Agriculture, forestry, animal husbandry and fishery", "农、林、牧、渔业", True, True, False, 3),
    ("B", "Mining", "采矿业", False, True, False, 4),
    ("C", "Manufacturing", "制造业", True, True, True, 3),
    ("D", "Electricity, heat, gas and water production and supply", "电力、热力、燃气及水生产和供应业", True, True, True, 2),
    ("E", "Construction", "建筑业", False, False, False, 4),
    ("F", "Wholesale and retail trade", "批发和零售业", False, True, False, 3),
    ("G", "Transport, storage and postal services", "交通运输、仓储和邮政业", True, True, True, 3),
    ("H", "Accommodation and catering", "住宿和餐饮业", False, False, False, 4),
    ("I", "Information transmission, software and IT services", "信息传输、软件和信息技术服务业", True, True, True, 2),
    ("J", "Finance", "金融业", False, True, False, 3),
    ("K", "Real estate", "房地产业", False, False, False, 5),
    ("L", "Leasing and business services", "租赁和商务服务业", False, True, False, 3),
    ("M", "Scientific research and technical services", "科学研究和技术服务业", True, True, True, 2),
    ("N", "Water conservancy, environment and public facilities management", "水利、环境和公共设施管理业", True, True, True, 2),
    ("O", "Resident services, repair and other services", "居民服务、修理和其他服务业", False, True, False, 3),
    ("P", "Education", "教育", True, True, True, 2),
    ("Q", "Health and social work", "卫生和社会工作", True, True, True, 2),
    ("R", "Culture, sports and entertainment", "文化、体育和娱乐业", False, False, True, 3),
    ("S", "Public administration, social security and social organisations", "公共管理、社会保障和社会组织", False, True, False, 1),
    ("T", "International organisations", "国际组织", False, True, False, 1),
]


def load(apps, schema_editor):
    Industry = apps.get_model("customers", "Industry")
    for code, name, name_zh, policy, stable, prospects, risk in SECTIONS:
        Industry.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "policy_supported": policy,
                "stable_demand": stable,
                "good_prospects": prospects,
                "risk_rating": risk,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
