"""Bền Vững: information system of Plan 202/KH-UBND (sustainable production and consumption)."""
