"""Release information passed to CheckReleaseUpdate callbacks."""


class ReleaseFile(object):
    """One downloadable file of a release."""

    def __init__(self, file_dict):
        self.size = file_dict.get("size")
        self.downloads = file_dict.get("downloads")
        self.secured = file_dict.get("secured")
        self.id = file_dict.get("id")
        self.name = file_dict.get("name")
        self.url = file_dict.get("url")
        self.extension = file_dict.get("extension")
        self.checksum = file_dict.get("checksum")
        self.release_id = file_dict.get("releaseId")
        self.created_at = file_dict.get("createdAt")
        self.updated_at = file_dict.get("updatedAt")


class Release(object):
    """A release; attribute names follow the vendor wrapper (snake_case)."""

    def __init__(self, release_dict):
        get = release_dict.get
        self.total_files = get("totalFiles")
        # The vendor library's error-path JSON says "private" / "UpdatedAt"; accept both.
        self.is_private = get("isPrivate", get("private"))
        self.published = get("published")
        self.id = get("id")
        self.created_at = get("createdAt")
        self.updated_at = get("updatedAt", get("UpdatedAt"))
        self.name = get("name")
        self.channel = get("channel")
        self.version = get("version")
        self.notes = get("notes")
        self.published_at = get("publishedAt")
        self.product_id = get("productId")
        self.platforms = get("platforms", [])
        self.files = [ReleaseFile(f) for f in get("files", [])]
