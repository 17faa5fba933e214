"""Data in: the data contract and its validation, timestamp rules, the one order of events, and readers.

- :mod:`~journeykit.io.contract`: what an events, orders or survey table must hold (``validate_*``);
- :mod:`~journeykit.io.timestamps`: one format per column, time zones, daylight saving;
- :mod:`~journeykit.io.ordering`: the documented order of events that tie in time;
- :mod:`~journeykit.io.files`: opening, sniffing and reading a file once, the steps every reader shares;
- one module per export format:

=====================================  ==================================  ===================================
reader                                 module                              reads
=====================================  ==================================  ===================================
:func:`~journeykit.read_events`        :mod:`~journeykit.io.tables`        any event log, with a column mapping
:func:`~journeykit.read_orders`        :mod:`~journeykit.io.tables`        any order table, with a column mapping
:func:`~journeykit.read_surveys`       :mod:`~journeykit.io.tables`        survey answers with NPS and/or CSAT
:func:`~journeykit.read_ga4`           :mod:`~journeykit.io.ga4`           a GA4 event export, flattened
:func:`~journeykit.read_product_analytics`  :mod:`~journeykit.io.product_analytics`  Mixpanel or Amplitude JSON lines
:func:`~journeykit.read_online_retail`  :mod:`~journeykit.io.online_retail`  invoice lines, net of cancellations
:func:`~journeykit.read_shopify_orders`  :mod:`~journeykit.io.shopify`     a Shopify orders export
=====================================  ==================================  ===================================

Every reader reads one file once, keeps only the columns it needs, maps them onto the contract and returns a
validated table; what it dropped and why is in ``df.attrs["import_report"]`` (:func:`~journeykit.import_report`).
This layer imports only :mod:`journeykit.errors` and :mod:`journeykit.params` (see ``ARCHITECTURE.md``).
"""
