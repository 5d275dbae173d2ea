"""The event stream: waking subscribers when motion events are committed."""
