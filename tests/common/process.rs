//! Running the binary as a separate process (filled in by the fault tests).
