"""Search over a knowledge base: a Whoosh index built from the KB's JSON entries."""
