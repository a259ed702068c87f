"""Inside a recurrent network: a NumPy RNN and LSTM, BPTT, and the long-memory race."""
