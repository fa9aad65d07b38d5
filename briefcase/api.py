"""The devices and briefcase API: /api/devices, /api/briefcase."""

from ninja import Router

router = Router(tags=["briefcase"])
