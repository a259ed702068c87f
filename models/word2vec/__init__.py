"""word2vec: CBOW and Skip-gram word vectors, trained in TensorFlow, evaluated and mapped."""
