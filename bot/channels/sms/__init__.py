"""The SMS channel: providers behind one interface, the notice texts, their callbacks."""
