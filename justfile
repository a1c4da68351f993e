# Convenience recipes; every one is a plain cargo command you can run without just.

# Run every test (the README's test command).
test:
    bash scripts/test

# Build a synthetic village end to end and verify it.
demo:
    cargo run --release -- demo

# Import 100,000 persons and print the register: prints seconds and peak memory.
bench:
    cargo bench --bench import_register

# What CI runs.
check:
    bash .ci/run
