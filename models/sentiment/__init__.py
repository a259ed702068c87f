"""IMDB review sentiment: the text pipeline, the LSTMs and the TF-IDF baseline."""
