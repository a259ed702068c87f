"""Handwritten digits: drawings prepared like MNIST, and the CNN that reads them."""
