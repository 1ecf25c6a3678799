"""Scrapy settings, flat as Scrapy likes: polite by default, evidence on, the casebook as sink."""

from casebook import config as _config

_patroli = _config.load()

BOT_NAME = "patroli"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
USER_AGENT = "Patroli/0.1 (+BPOM cyber patrol; pengawasan obat dan makanan daring)"

# Politeness: robots.txt, adaptive throttling, few requests per site at a time.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5

# Hostile content: bounded sizes and times, a few retries, no endless redirects.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 8
COOKIES_ENABLED = False

PATROLI_DATABASE_URL = _patroli.database_url
PATROLI_DATA_DIR = str(_patroli.data_dir)
PATROLI_ALLOW_PRIVATE = _patroli.allow_private
PATROLI_BATCH_SIZE = 50
PATROLI_FLUSH_SECONDS = 2.0
# The largest rendered page the browser path keeps (DOWNLOAD_MAXSIZE does not reach it).
PATROLI_BROWSER_MAXSIZE = DOWNLOAD_MAXSIZE
PATROLI_PROGRESS_SECONDS = 5.0

# A durable frontier (SQLite in JOBDIR, in memory without one): a crawl killed with
# SIGKILL resumes without losing or repeating a URL.
SCHEDULER = "crawler.frontier.DurableScheduler"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.safety.SafeTargetMiddleware": 60,
    # Scrapy's own lets requests queued behind robots.txt through (see middlewares/robots.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.RobotsTxtMiddleware": 100,
    "crawler.middlewares.failures.FailureLogMiddleware": 540,
    "crawler.middlewares.encoding.EncodingRepairMiddleware": 585,
    # Above HttpCompressionMiddleware (590) so it sees the bytes as the server sent them.
    "crawler.middlewares.evidence.EvidenceMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.evidence.CaptureToItemMiddleware": 950,
    "crawler.frontier.FrontierSpiderMiddleware": 960,
}
ITEM_PIPELINES = {
    "crawler.pipelines.NormalizePipeline": 100,
    "crawler.pipelines.RulesPipeline": 500,
    "crawler.pipelines.CasebookPipeline": 800,
}
EXTENSIONS = {
    "scrapy.extensions.logstats.LogStats": None,
    "crawler.extensions.Progress": 500,
    "crawler.extensions.RunRecorder": 510,
}

# JavaScript pages: scrapy-playwright on the system Chromium (browser downloads are impossible).
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser.SharedPlaywrightHandler",
    "https": "crawler.browser.SharedPlaywrightHandler",
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Every connection resolves through it and goes only to the addresses it checked: no check
# apart from the connection, no cache to rebind behind (DNS rebinding).
TWISTED_DNS_RESOLVER = "crawler.dns.CheckedResolver"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": _patroli.chromium,
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        # No separate GPU process. Renderers stay one per page (no --process-per-site): a
        # renderer shared by every page of a site grows for the whole crawl, while one per
        # page gives its memory back when the page closes.
        "--in-process-gpu",
    ],
}
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 12
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_ABORT_REQUEST = "crawler.middlewares.safety.abort_browser_request"
PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER = True

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
