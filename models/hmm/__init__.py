"""Hidden Markov models of part-of-speech tags: a supervised bigram/trigram tagger (Viterbi, forward-backward)
and Baum-Welch on words alone."""
