"""Whether a segment of a sketch says something, or only names terms.

"- scale up: cheapest, no code change" says something; "redis, ttl, stampede" and "peak index
cache redis hit ratio" do not. A segment says something when, beside the words that are the
drill's own terms, it has a word that links or states ("for", "the", "is", "so", "we", ...),
a relation sign (an arrow, "=", ":"), or at least two other words.
"""

from __future__ import annotations

from bisect import bisect_left

from engine.drills.clauses import Parsed
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
    cheat sheet overview recap points point main important highlights items aspects
    considerations bullets vocabulary vocab glossary jargon buzz tags tag hashtags"""
)
SHORT_ITEM = 3  # words
SHORT_BULLET = 4  # words: "Cache-Control: max-age" is still one term
LABELLED_LINE = 6  # words of a "label: terms" line that still only names terms
STATEMENT_WORDS = 6  # an item this long says something
# A segment with fewer linking words than one in RUN_WORDS, and RUN_TERMS terms or more, is
# a run of terms whatever linking word one of them has.
RUN_WORDS = 8
RUN_TERMS = 5
NOT_TELLING = frozenset({"and", "or", "plus", "etc", "vs", "e", "g", "ie", "eg"})
RELATIONS = ("→", "->", "=>", "=", "≈", ":", "<", ">", "~", "≥", "≤")


def telling_segments(
    parsed: Parsed,
    term_words: set[int],
    topic: frozenset[str] = frozenset(),
    term_starts: set[int] | None = None,
) -> dict[int, bool]:
    """Segment number -> whether what it names counts. `term_words`: indices of the words that
    stand in a match of one of the drill's patterns; `term_starts`: where each match starts.

    A segment counts when it says something itself, or when its clause is not a list: a clause
    of bare segments is a list when at least 3 of every 4 of its segments are bare ("I'd use
    caching, replicas, sharding, CDN" credits only the caching), but "flame graph, p99, make
    sure requests aren't waiting on the db" is one claim made in shorthand."""
    clauses_with_terms = {parsed.clause_of[i] for i in term_words}
    says, worded, stating = _says(parsed, term_words, clauses_with_terms)
    starts = sorted(term_words if term_starts is None else term_starts)
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
    bare_bullets = _bullets_of_terms(parsed)
    bare_bullets |= _run_of_lines(parsed, bare_bullets)
    # A sketch where nearly every term stands bare is a list of terms, however it is laid
    # out ("CDN:" or "Latency:" over "- PoP, RTT" only files terms under headings): only
    # its statements count. Elsewhere bullets under a header say what they are ("what you
    # lose:" then "- joins, unique ids").
    term_segments = [s for segments in by_clause.values() for s in segments]
    filed = len(term_segments) >= LIST_ITEMS and (
        sum(not says.get(s) for s in term_segments) * 4 >= len(term_segments) * 3
    )
    for clause, segments in by_clause.items():
        if clause in bare_bullets or (
            _run_of_items(parsed, segments) and not _led_in(parsed, clause, topic)
        ):
            for segment in segments:  # only a segment that makes a statement counts
                result[segment] = stating.get(segment, False)
            continue
        if filed:  # "origin shield and stale-while-revalidate" is six words, and no statement
            for segment in segments:
                result[segment] = stating.get(segment, False) and says.get(segment, False)
            continue
        bare = sum(not says.get(s) for s in segments)
        listed = bare * 4 >= len(segments) * 3
        if clause in parsed.explained or (
            len(segments) == 1
            and (
                _worded(parsed, segments[0], worded.get(segments[0], 0), starts)
                or parsed.clauses[clause].sentence in explained
            )
        ):
            listed = False  # "then delete the key from Redis": a statement made of one term
        for segment in segments:
            result[segment] = says.get(segment, False) or not listed
    return result


def _worded(parsed: Parsed, segment: int, linking: int, term_starts: list[int]) -> bool:
    """Whether a segment made of terms has the words of a statement: a linking word in a
    short one ("then delete the key from Redis"), or in a long one of a few long terms
    ("replicas + cache ≠ more write capacity, every replica applies every write"); but a
    long run of many terms with one "while" inside one ("stale-while-revalidate") is a run."""
    if not linking:
        return False
    count = parsed.segment_lengths[segment]
    if linking * RUN_WORDS >= count:
        return True
    first = parsed.segment_starts[segment]
    terms = bisect_left(term_starts, first + count) - bisect_left(term_starts, first)
    return terms < RUN_TERMS


def _run_of_items(parsed: Parsed, segments: list[int]) -> bool:
    """A clause of many short comma-separated items ("hot key, celebrity problem, Zipf, L1
    cache, sharded counters, ...") is a list of terms, whatever a few of its items say in
    passing ("sessions in Redis") and even under a header line: it names, it does not design."""
    if len(segments) < LIST_ITEMS:
        return False
    lengths = parsed.segment_lengths
    short = sum(lengths[s] <= SHORT_ITEM for s in segments)
    return short * 4 >= len(segments) * 3


def _bullets_of_terms(parsed: Parsed) -> set[int]:
    """The clauses of a run of short bullets under a header ("CDN checklist:", "Static
    assets:", "Things to mention:", then "- CloudFront", "- max-age", "- versioned URLs",
    ...): one term per line is a list of terms as much as one per comma, whatever the
    header says. Bullets under "what you lose:" that say what is lost are longer."""
    found: set[int] = set()
    clauses = parsed.clauses
    for block in parsed.blocks:
        if len(block) < LIST_ITEMS:
            continue
        short = sum(clauses[c].end - clauses[c].start <= SHORT_BULLET for c in block)
        if short * 4 >= len(block) * 3:
            found.update(block)
    return found


def _run_of_lines(parsed: Parsed, listed: set[int]) -> set[int]:
    """The clauses of a run of at least `LIST_ITEMS` clauses in a row that each name a term or
    two and say nothing: one a line, a bullet, a sentence ("CDN. TTL. Purge.") or a piece
    between spaced dashes or semicolons is a list of terms as much as one a comma. A stating
    word ("ttl is short") breaks the run; a number ("min 4") keeps its own clause's credit."""
    found: set[int] = set()
    run: list[int] = []
    numbered: set[int] = set()  # short clauses with a number: in the run, but scored alone
    words = parsed.words
    explained = parsed.explained
    for number, clause in enumerate(parsed.clauses):
        count = clause.end - clause.start
        # "pull vs push: pull", "latency: PoPs, RTT": a label and its terms is a short line too
        if (
            (count <= SHORT_BULLET or (count <= LABELLED_LINE and ":" in clause.text))
            and (number not in explained or number in listed)
            and STATING.isdisjoint(inside := words[clause.start : clause.end])
        ):
            run.append(number)
            if len(inside) > 1 and any(w[:1].isdigit() for w in inside):
                numbered.add(number)  # "min 4", "PoP ~150 ms": a figure is a claim
            continue
        if len(run) >= LIST_ITEMS:
            found.update(run)
        run = []
    if len(run) >= LIST_ITEMS:
        found.update(run)
    return found - numbered


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
) -> tuple[dict[int, bool], dict[int, int], dict[int, bool]]:
    """Per segment of these clauses: whether it says something beside its terms, whether
    how many linking words it has (inside a term too), and whether it makes a statement (a
    word of `STATING`, or a sentence's worth of words)."""
    words, segment_of = parsed.words, parsed.segment_of
    starts, lengths = parsed.segment_starts, parsed.segment_lengths
    worded: dict[int, int] = {}  # linking words, inside a term too
    stating: dict[int, bool] = {}
    result: dict[int, bool] = {}
    for clause in sorted(clauses):
        found = parsed.clauses[clause]
        for segment in range(segment_of[found.start], segment_of[found.end - 1] + 1):
            first = starts[segment]
            count = lengths[segment]
            inside = words[first : first + count]
            if not LINKING.isdisjoint(inside):
                worded[segment] = sum(w in LINKING for w in inside)
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
