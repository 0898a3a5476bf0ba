"""Who may do what with inspection data."""

# The permission to enter, import, correct and publish inspections.
MANAGE_INSPECTIONS = "inspections.change_inspection"


def can_manage_inspections(user) -> bool:
    """Only admins enter, import, correct and publish inspections."""
    return user.is_active and user.has_perm(MANAGE_INSPECTIONS)
