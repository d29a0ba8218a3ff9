fmt examples/draft-bandwidth-cap.rules
