"""Label formats (labels), DB training targets (db_targets) and image transforms (transforms)."""
