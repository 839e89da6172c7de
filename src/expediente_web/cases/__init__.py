"""Cases, the people who work on them (memberships and roles) and the sources they draw on."""
