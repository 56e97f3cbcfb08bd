"""The privacy notice both ways: rendered from the register, drafted from a policy text."""
