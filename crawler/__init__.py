"""Scrapy project: spiders navigate, page objects extract, pipelines hand items to the casebook."""
