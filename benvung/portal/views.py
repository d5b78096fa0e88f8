from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the system is, and what anyone can look up."""
    return render(request, "portal/home.html", selectors.home_figures())
