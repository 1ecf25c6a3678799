"""Offender profiling in the casebook (SOP step 7): seller accounts linked into actors.

One place to call: relinking (`relink`, full or for the sellers of a crawl batch), analysts'
decisions (confirm/reject a suggestion, merge, split, the stoplist) and the queries. The work
lives in profiling_load (what the linker reads), profiling_store (what it writes),
profiling_relink, profiling_decisions and profiling_queries."""

from casebook.services.profiling_decisions import (
    accounts_of,
    add_stop,
    confirm_suggestion,
    live_actor,
    merge_actors,
    normalise_identifier,
    reject_suggestion,
    remove_stop,
    split_actor,
    stoplist,
)
from casebook.services.profiling_queries import (
    AccountRow,
    ActorRow,
    SuggestionRow,
    accounts,
    actor_of_seller,
    actors,
    current_actor,
    get_actor,
    get_suggestion,
    suggestions,
)
from casebook.services.profiling_relink import (
    NoSuchActor,
    NoSuchSuggestion,
    ProfilingError,
    RelinkResult,
    relink,
    sellers_of_listings,
    sellers_to_relink,
)

__all__ = [
    "AccountRow", "ActorRow", "NoSuchActor", "NoSuchSuggestion", "ProfilingError",
    "RelinkResult", "SuggestionRow", "accounts", "accounts_of", "actor_of_seller", "actors",
    "add_stop", "confirm_suggestion", "current_actor", "get_actor", "get_suggestion",
    "live_actor", "merge_actors", "normalise_identifier", "reject_suggestion", "relink",
    "remove_stop", "sellers_of_listings", "sellers_to_relink", "split_actor", "stoplist",
    "suggestions",
]  # fmt: skip
