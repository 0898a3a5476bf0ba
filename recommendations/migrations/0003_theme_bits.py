from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0002_tracking"),
    ]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="theme_bits",
            field=models.BigIntegerField(
                default=0,
                editable=False,
                help_text="Its themes, a bit each (inspections.Theme.bit), kept in step with "
                "ThemeTag by the database: what the findings explorer counts and filters themes by.",
            ),
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(
                fields=["inspection", "addressee", "theme_bits"], name="recommendation_facets"
            ),
        ),
    ]
