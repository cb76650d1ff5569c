"""Mock mode: agencies simulated from their contracts, so one real agency can run alone."""
