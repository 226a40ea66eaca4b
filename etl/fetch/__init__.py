"""``python -m etl fetch``: report pages and their attachments downloaded from
government portals into a folder that ``python -m etl load`` takes.

One job a module: ``guard`` (which URLs and addresses may be asked at all),
``client`` (one polite GET), ``robots`` (robots.txt), ``links`` (a page's
attachments), ``media`` (which content is a report), ``names`` and ``store``
(safe file names, atomic writes), ``provenance`` (the ``fetched.tsv``
manifest, also read by the extractor), ``crawl`` (the order of things) and
``command`` (the CLI). Nothing here is imported by the extractor but
``provenance``, which needs only the standard library.
"""
