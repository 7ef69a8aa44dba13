"""Training losses (torch): DB detection loss (db_loss)."""
