"""A real password hasher that counts how often a password is hashed (test settings only)."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingMD5PasswordHasher(MD5PasswordHasher):
    """MD5, as the test settings use, counting every hash: checking a password hashes it
    once, and so does the dummy check Django runs for a username that does not exist."""

    hashes = 0

    def encode(self, password, salt):
        type(self).hashes += 1
        return super().encode(password, salt)
