"""Crawl a running server and fail on any error: every page kind, its static files, its
downloads, signed out and (with --username) signed in.

    python scripts/crawl.py http://127.0.0.1:8000 [--username U --password P]

Follows links on the server's own host, a few pages of each kind (see `kind`), so it
ends in a few minutes at any size of data. Exits non-zero, listing them, if any page,
download or static file answered 4xx or 5xx.
Standard library only: it runs against a server that may have nothing else installed.
"""

import argparse
import gzip
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, deque
from html.parser import HTMLParser

PAGES_PER_KIND = 4
# Not followed: signing out ends the signed-in crawl; admin actions change data.
SKIP = re.compile(r"/accounts/logout/|/admin/logout/|/delete/|/history/\d+/|/password/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pages, self.assets, self.csrf = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.pages.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])
        elif tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.csrf = attrs.get("value")


def kind(url: str) -> tuple:
    """A page's kind: its path's shape, the download format asked for, and whether it is
    filtered (filters and facets combine without end; their pages are one kind)."""
    parts = urllib.parse.urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    prefix = segments[:3] if segments[:1] == ["admin"] else segments[:1]
    query = urllib.parse.parse_qs(parts.query)
    file_format = query.pop("format", [""])[0]
    return (*prefix, len(segments), file_format, bool(query))


class Crawler:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.host = urllib.parse.urlsplit(self.base).netloc
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.seen, self.assets_seen = set(), set()
        self.kinds, self.statuses, self.failures = Counter(), Counter(), []

    def fetch(self, url: str, data: bytes | None = None):
        request = urllib.request.Request(url, data=data, headers={"Accept-Encoding": "gzip"})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def sign_in(self, username: str, password: str) -> None:
        status, _, body = self.fetch(f"{self.base}/accounts/login/")
        parser = Links()
        parser.feed(body.decode("utf-8", "replace"))
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": parser.csrf}
        ).encode()
        status, _, body = self.fetch(f"{self.base}/accounts/login/", form)
        if b"Sign out" not in body:
            sys.exit(f"could not sign in as {username} (status {status})")

    def crawl(self, start: str = "/") -> None:
        queue = deque([urllib.parse.urljoin(self.base, start)])
        while queue:
            url = queue.popleft()
            status, headers, body = self.fetch(url)
            self.statuses[status] += 1
            if status >= 400:
                self.failures.append((status, url))
                continue
            if "text/html" not in headers.get("Content-Type", ""):
                continue  # a download: its status is what counts
            if headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            parser = Links()
            parser.feed(body.decode("utf-8", "replace"))
            for asset in parser.assets:
                self.check_asset(urllib.parse.urljoin(url, asset))
            for href in parser.pages:
                link = urllib.parse.urljoin(url, href).split("#")[0]
                parts = urllib.parse.urlsplit(link)
                if parts.netloc != self.host or SKIP.search(parts.path) or link in self.seen:
                    continue
                self.seen.add(link)
                if self.kinds[kind(link)] < PAGES_PER_KIND:
                    self.kinds[kind(link)] += 1
                    queue.append(link)

    def check_asset(self, url: str) -> None:
        if url in self.assets_seen:
            return
        self.assets_seen.add(url)
        status, headers, _ = self.fetch(url)
        if status >= 400:
            self.failures.append((status, url))
        elif "max-age=315360000" not in headers.get("Cache-Control", "") and "/static/" in url:
            self.failures.append(("static file without far-future caching", url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--username")
    parser.add_argument("--password")
    args = parser.parse_args()
    crawler = Crawler(args.base_url)
    crawler.crawl()
    if args.username:
        crawler.sign_in(args.username, args.password)
        crawler.seen.clear()
        crawler.kinds.clear()
        for start in ("/", "/manage/", "/admin/"):
            crawler.crawl(start)
    pages = sum(crawler.statuses.values())
    print(
        f"Crawled {pages} pages of {len(crawler.kinds)} kinds and "
        f"{len(crawler.assets_seen)} static files: {dict(sorted(crawler.statuses.items()))}"
    )
    for status, url in crawler.failures:
        print(f"  {status}  {url}")
    if crawler.failures:
        sys.exit(f"{len(crawler.failures)} errors")


if __name__ == "__main__":
    main()
