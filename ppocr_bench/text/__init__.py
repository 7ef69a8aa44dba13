"""Text: languages, charsets, corpora, line sampling, fonts and their coverage."""
