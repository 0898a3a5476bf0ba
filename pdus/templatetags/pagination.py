"""The shared pagination include's links (templates/includes/pagination.html), for every
app's pages: Django's {% querystring %} takes only literal keys, and a page with two
paginated lists needs a parameter of its own for each."""

from django import template
from django.template.defaulttags import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def page_querystring(context, param, number):
    """The address's query string with `param` ("page" if not given) set to `number` and
    any format dropped: {% querystring page=number format=None %} for a named parameter."""
    return querystring(context, **{param or "page": number, "format": None})
