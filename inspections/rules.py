"""Who may do what with inspection data."""


def can_manage_inspections(user) -> bool:
    """Only admins enter, import, correct and publish inspections."""
    return user.is_active and user.has_perm("inspections.change_inspection")
