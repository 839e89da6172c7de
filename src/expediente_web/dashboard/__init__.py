"""The case dashboard: counts of a case's acts by type, year, state, unit and review status as
bar charts whose bars lead to the acts behind them, and the case's latest activity."""
