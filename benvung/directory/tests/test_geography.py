"""The province-membership test for coordinates (pure functions, hand-checked numbers)."""

import math

import pytest

from benvung.directory import geography, selectors
from benvung.directory.geography import Centroid


def test_haversine_distance_matches_a_hand_calculation():
    # One degree of latitude along a meridian: 2·π·R/360 = 111.195 km for R = 6371.0088 km.
    assert geography.distance_km(10.0, 106.0, 11.0, 106.0) == pytest.approx(
        2 * math.pi * 6371.0088 / 360, rel=1e-9
    )
    # One degree of longitude on the equator is the same arc.
    assert geography.distance_km(0.0, 106.0, 0.0, 107.0) == pytest.approx(111.195, abs=0.001)


def test_reach_grows_with_the_area_of_the_commune():
    # Equivalent radius of 100 km²: sqrt(100/π) = 5.642 km; × 1.6 = 9.027 km.
    assert geography.reach_km(100.0) == pytest.approx(9.027, abs=0.001)
    # A small ward never shrinks the reach below the floor.
    assert geography.reach_km(2.0) == geography.REACH_FLOOR_KM
    assert geography.reach_km(None) == geography.REACH_FLOOR_KM


def test_a_point_is_in_the_province_of_its_nearest_commune_centroid():
    centroids = [
        Centroid(1, "75", 10.95, 106.82, 20.0),
        Centroid(2, "79", 10.77, 106.70, 20.0),
    ]
    assert geography.is_in_province(10.94, 106.83, "75", centroids)
    assert not geography.is_in_province(10.78, 106.70, "75", centroids)


def test_a_point_beyond_the_reach_of_the_nearest_centroid_is_outside():
    centroids = [Centroid(1, "75", 11.9, 106.6, 50.0)]
    # 0.3° north ≈ 33 km, beyond the reach of a 50 km² commune (≈ 6.4 km).
    assert not geography.is_in_province(12.2, 106.6, "75", centroids)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lat", "lon", "inside"),
    [
        (10.9447, 106.8243, True),  # Biên Hòa centre
        (10.7290, 106.9640, True),  # Nhơn Trạch
        (11.5350, 106.8870, True),  # Đồng Xoài (former Bình Phước)
        (10.7769, 106.7009, False),  # Hồ Chí Minh City, District 1
        (12.0670, 106.4170, False),  # Snuol, Cambodia, north-west of Lộc Ninh
        (12.4880, 106.0190, False),  # Kratie, Cambodia
        (106.8243, 10.9447, False),  # latitude and longitude swapped
    ],
)
def test_real_places_are_classified_with_the_loaded_centroids(lat, lon, inside):
    assert selectors.point_is_in_province(lat, lon) is inside
