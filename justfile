# Convenience recipes; every one is a plain cargo command you can run without just.

# Run every test (the README's test command).
test:
    bash scripts/test

# Build a synthetic village end to end and verify it.
demo:
    cargo run --release -- demo

# Every figure beside the machine's own limits, in one run (several minutes).
bench:
    cargo bench --bench figures

# What CI runs.
check:
    bash .ci/run
