"""Decision tables analysts add as files (tables.md): model, checks, input, engine, frame, result, ruleset."""
