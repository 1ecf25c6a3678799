"""Patroli's own crawl signals (Scrapy signals are plain sentinel objects)."""

listings_stored = object()  # fingerprints=[...]: the items of these requests are in the casebook
request_settled = object()  # request=, failed=: a request ended without reaching its callback
fetch_failed = object()  # url=, reason=: for the run's failure list
item_produced = object()  # fingerprint=: a callback yielded an item
response_finished = object()  # fingerprint=: a callback is through; its requests are scheduled
items_storing = object()  # a question: handlers answer True while items wait to be stored
