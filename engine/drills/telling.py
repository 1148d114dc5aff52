"""Whether a segment of a sketch says something, or only names terms.

"- scale up: cheapest, no code change" says something; "redis, ttl, stampede" and "peak index
cache redis hit ratio" do not. A segment says something when, beside the words that are the
drill's own terms, it has a word that links or states ("for", "the", "is", "so", "we", ...),
a relation sign (an arrow, "=", ":"), or at least two other words.
"""

from __future__ import annotations

from engine.drills.clauses import Parsed
from engine.drills.clauses import words as words_of
from engine.drills.cues import words

# Words that link terms into a statement. Deliberately not "and", "or", "plus", "etc".
LINKING = words(
    """a an the this that these those it its it's they them their we we'll we'd i i'd i'll
    you your our us is are was were be been being do does did don't doesn't has have had
    can could will would should must may might shall need needs to of in on at for from by
    with without into onto over under than then so because since if when while before after
    until unless instead rather not no never only just each every all any some more less
    most few many much very too also first next last only there here what which who how why
    use using used add adding put keep keeps send sends move moves go goes make makes let
    get gets give gives take takes run runs stop stops serve serves hold holds cut cuts set
    sets setting turn enable pick choose prefer try tell told w"""
)
# Words that make a statement of an item of a list: a verb of being or doing, a subject, a
# reason or a condition ("Redis, because the app is stateless").
STATING = words(
    """is are was were be being isn't aren't don't doesn't won't can't do does will would
    should must can could need needs we i you it they it's that's so because since if when
    then which instead rather means"""
)
LIST_ITEMS = 6  # comma-separated items in one clause
# Words that title a list without saying anything about its items.
LIST_LABELS = words(
    """stuff keywords keyword key terms term words buzzwords things topics concepts notes list
    ideas summary misc etc for this one the a my our some of and in on tl dr tldr checklist
    cheat sheet overview recap"""
)
SHORT_ITEM = 3  # words
SHORT_BULLET = 4  # words: "Cache-Control: max-age" is still one term
STATEMENT_WORDS = 6  # an item this long says something
NOT_TELLING = frozenset({"and", "or", "plus", "etc", "vs", "e", "g", "ie", "eg"})
RELATIONS = ("→", "->", "=>", "=", "≈", ":", "<", ">", "~", "≥", "≤")


def telling_segments(
    parsed: Parsed, term_words: set[int], topic: frozenset[str] = frozenset()
) -> dict[int, bool]:
    """Segment number -> whether what it names counts. `term_words`: indices of the words that
    stand in a match of one of the drill's patterns.

    A segment counts when it says something itself, or when its clause is not a list: a clause
    of bare segments is a list when at least 3 of every 4 of its segments are bare ("I'd use
    caching, replicas, sharding, CDN" credits only the caching), but "flame graph, p99, make
    sure requests aren't waiting on the db" is one claim made in shorthand."""
    clauses_with_terms = {parsed.clause_of[i] for i in term_words}
    says, worded, stating = _says(parsed, term_words, clauses_with_terms)
    by_clause: dict[int, list[int]] = {}
    for clause in clauses_with_terms:
        found = by_clause.setdefault(clause, [])
        for index in range(parsed.clauses[clause].start, parsed.clauses[clause].end):
            segment = parsed.segment_of[index]
            if not found or found[-1] != segment:
                found.append(segment)
    explained = {  # sentences with a clause that says something: "jitter TTLs so keys ..."
        parsed.clauses[c].sentence
        for c, segments in by_clause.items()
        if any(says.get(s) for s in segments)
    } | _telling_sentences(parsed, clauses_with_terms)
    result = {}
    bare_bullets = _bullets_of_terms(parsed, topic)
    for clause, segments in by_clause.items():
        if clause in bare_bullets or (
            _run_of_items(parsed, segments) and not _led_in(parsed, clause, topic)
        ):
            for segment in segments:  # only a segment that makes a statement counts
                result[segment] = stating.get(segment, False)
            continue
        bare = sum(not says.get(s) for s in segments)
        listed = bare * 4 >= len(segments) * 3
        if clause in parsed.explained or (
            len(segments) == 1
            and (worded.get(segments[0]) or parsed.clauses[clause].sentence in explained)
        ):
            listed = False  # "then delete the key from Redis": a statement made of one term
        for segment in segments:
            result[segment] = says.get(segment, False) or not listed
    return result


def _run_of_items(parsed: Parsed, segments: list[int]) -> bool:
    """A clause of many short comma-separated items ("hot key, celebrity problem, Zipf, L1
    cache, sharded counters, ...") is a list of terms, whatever a few of its items say in
    passing ("sessions in Redis") and even under a header line: it names, it does not design."""
    if len(segments) < LIST_ITEMS:
        return False
    lengths = parsed.segment_lengths
    short = sum(lengths[s] <= SHORT_ITEM for s in segments)
    return short * 4 >= len(segments) * 3


def _bullets_of_terms(parsed: Parsed, topic: frozenset[str]) -> set[int]:
    """The clauses of a run of short bullets under a header that names only the topic or a
    label ("CDN checklist:" then "- CloudFront", "- max-age", "- versioned URLs", ...): one
    term per line is a list of terms as much as one per comma."""
    found: set[int] = set()
    for header, block in zip(parsed.headers, parsed.blocks, strict=True):
        if len(block) < LIST_ITEMS:
            continue
        clauses = parsed.clauses
        short = sum(clauses[c].end - clauses[c].start <= SHORT_BULLET for c in block)
        if short * 4 >= len(block) * 3 and all(
            w in topic or w in LIST_LABELS for w in words_of(header)
        ):
            found.update(block)
    return found


def _led_in(parsed: Parsed, clause: int, topic: frozenset[str]) -> bool:
    """Whether a list opens with a lead-in that says what the items are for ("everything else
    duplicated: caches, queues, config, ..."), not only the drill's topic or a label
    ("autoscaling: HPA, ...", "cdn stuff: ...")."""
    start = parsed.clauses[clause].start
    segment = parsed.segment_of[start]
    end = start
    while end < len(parsed.words) and parsed.segment_of[end] == segment:
        end += 1
    colon = parsed.folded.find(":", parsed.offsets[start][0], parsed.offsets[end - 1][1])
    if colon < 0:
        return False
    lead = [w for i, w in enumerate(parsed.words[start:end], start) if parsed.offsets[i][0] < colon]
    return any(w not in topic and w not in LIST_LABELS for w in lead)


def _telling_sentences(parsed: Parsed, with_terms: set[int]) -> set[int]:
    """Sentences holding a clause without terms: such a clause says something by itself
    ("so keys written together do not expire at once")."""
    return {c.sentence for i, c in enumerate(parsed.clauses) if i not in with_terms}


def _says(
    parsed: Parsed, term_words: set[int], clauses: set[int]
) -> tuple[dict[int, bool], dict[int, bool], dict[int, bool]]:
    """Per segment of these clauses: whether it says something beside its terms, whether
    it has a linking word at all (inside a term too), and whether it makes a statement (a
    word of `STATING`, or a sentence's worth of words)."""
    words, segment_of = parsed.words, parsed.segment_of
    starts, lengths = parsed.segment_starts, parsed.segment_lengths
    worded: dict[int, bool] = {}
    stating: dict[int, bool] = {}
    result: dict[int, bool] = {}
    for clause in sorted(clauses):
        found = parsed.clauses[clause]
        for segment in range(segment_of[found.start], segment_of[found.end - 1] + 1):
            first = starts[segment]
            count = lengths[segment]
            inside = words[first : first + count]
            if not LINKING.isdisjoint(inside):
                worded[segment] = True
            if count >= STATEMENT_WORDS or not STATING.isdisjoint(inside):
                stating[segment] = True
            places = range(first, first + count)
            # "delete after commit" is one term, whatever its words: only the others count
            others = (
                inside
                if term_words.isdisjoint(places)
                else [w for i, w in zip(places, inside, strict=True) if i not in term_words]
            )
            if not LINKING.isdisjoint(others):
                result[segment] = True
                continue
            other = sum(1 for w in others if w not in NOT_TELLING and not w.isdigit())
            # A long run of terms with a few stray words in it is still a run of terms.
            if other >= 2 and other * 3 >= count:
                result[segment] = True
                continue
            last = first + count - 1
            inner = parsed.text[parsed.offsets[first][0] : parsed.offsets[last][1]]
            result[segment] = any(sign in inner for sign in RELATIONS)
    return result, worded, stating
