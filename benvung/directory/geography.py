"""Is a point inside the province? Pure functions on plain numbers.

No boundary polygons of the 2025 communes are available offline, so a point is taken to lie in
the commune whose centroid is nearest (a Voronoi approximation over all 3,321 communes of the
country), and it must also lie within a reasonable reach of that centroid, so that a point in
Cambodia next to a border commune is not taken for Đồng Nai. Near a provincial border the answer
can be wrong by a few hundred metres; the user can then pick the commune explicitly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
# The reach of a commune: its equivalent-circle radius times this factor, and never less than
# the floor (small urban wards have centroids only a kilometre or two apart).
REACH_FACTOR = 1.6
REACH_FLOOR_KM = 6.0


@dataclass(frozen=True)
class Centroid:
    unit_id: int
    province_code: str
    latitude: float
    longitude: float
    area_km2: float | None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the haversine formula."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def reach_km(area_km2: float | None) -> float:
    if not area_km2:
        return REACH_FLOOR_KM
    return max(REACH_FLOOR_KM, REACH_FACTOR * math.sqrt(area_km2 / math.pi))


def nearest(latitude: float, longitude: float, centroids: Iterable[Centroid]) -> Centroid | None:
    best: Centroid | None = None
    best_d = math.inf
    for c in centroids:
        d = distance_km(latitude, longitude, c.latitude, c.longitude)
        if d < best_d:
            best, best_d = c, d
    return best


def locate(
    latitude: float, longitude: float, centroids: Iterable[Centroid]
) -> tuple[Centroid | None, float]:
    """The commune a point most likely lies in, and its distance to that commune's centroid."""
    best = nearest(latitude, longitude, centroids)
    if best is None:
        return None, math.inf
    return best, distance_km(latitude, longitude, best.latitude, best.longitude)


def is_in_province(
    latitude: float, longitude: float, province_code: str, centroids: Iterable[Centroid]
) -> bool:
    best, dist = locate(latitude, longitude, centroids)
    return (
        best is not None and best.province_code == province_code and dist <= reach_km(best.area_km2)
    )
