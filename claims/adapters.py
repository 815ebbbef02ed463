from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_email_verified(self, provider, email) -> bool:
        # Emails from ORCID (or any provider) are never taken as verified:
        # the user confirms them through allauth like any other address.
        return False


def user_display(user) -> str:
    """Name users by their email address: accounts have no username a person chose."""
    return user.email or f"user {user.pk}"
