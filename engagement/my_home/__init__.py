"""A signed-in person's home: what is open to them, what needs them, what they did. It reads
several features, so it sits above them, as my_data does."""
