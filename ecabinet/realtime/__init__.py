"""Real-time publishing: `publish(meeting_id=..., event=...)` from services, nothing else."""
