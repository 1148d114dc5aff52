"""The words that show a stance: negations, verdicts, hedges and what ends their reach.

Data for `polarity`, kept apart so the rules read as rules. Phrases are written as they are
typed (contractions whole: "don't"); each list is matched word by word.
"""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def phrases(text: str) -> tuple[tuple[str, ...], ...]:
    """Phrases separated by "|", each as its words (a hyphen parts words, as in a sketch:
    "band-aid" is "band", "aid")."""
    return tuple(tuple(p.replace("-", " ").split()) for p in text.split("|") if p.split())


# Before what they reject: "we don't need a cache", "no CDN", "skip the cache".
NEGATORS = words(
    """
    against aren't arent avoid avoiding can't cannot cant didn't didnt ditch doesn't doesnt
    don't dont doubt forget isn't isnt mustn't needn't neither never no none nor not shouldn't
    shouldnt skip skipping wasn't weren't without won't wont wouldn't wouldnt zero
    """
)
# "instead of replicas", "no need for", "push back on a central Redis".
CUE_PAIRS = frozenset(
    {("instead", "of"), ("rather", "than"), ("no", "need"), ("no", "point"), ("stop", "using"),
     ("get", "rid"), ("do", "away"), ("away", "with"), ("not", "use"), ("pointless", "to"),
     ("unnecessary", "to"), ("waste", "of"), ("leave", "out"), ("no", "reason"),
     ("against", "using"), ("against", "adding")}
)  # fmt: skip
CUE_TRIPLES = frozenset(
    {
        ("push", "back", "on"),
        ("argue", "against", "a"),
        ("steer", "clear", "of"),
        ("stay", "away", "from"),
        ("keep", "away", "from"),
    }
)
# "not just a cache", "no more than 3": not rejections.
NOT_REJECTING = words("just only merely more less longer matter later")
# Words between a negation and the pattern that end the negation's reach.
BREAKERS = words(
    """
    allow allows but cause causes if instead let lets letting lose losing make makes mean means
    rather so that then unless until when where which who
    """
)
IMPERATIVE = words("we i you just can to simply safely")  # "we can ignore lag"
AFTER_BREAKERS = words("that who where until unless if instead but rather then so because")
BARRIER = re.compile(r"[:(→=]|->")  # a negation does not reach past these
DENIALS = words("not isn't aren't isnt arent doubt")  # "it's not really a herd problem"
LIGHT = words("really a an the just actually it's its that this")
DEFERRING = words("before until")  # "before sharding anything"
DISMISS_BEFORE = (("ignore",), ("worry", "about"), ("care", "about"), ("forget", "about"))
# Verdicts after what they refuse: "TTL is pointless", "replicas won't help".
REFUSE_AFTER = phrases(
    """
    pointless | unnecessary | overkill | useless | not needed | isn't needed | aren't needed |
    not necessary | isn't necessary | won't help | doesn't help | don't help | wouldn't help |
    can't help | not help | is a waste | are a waste | waste of | not worth | isn't worth |
    aren't worth | not the answer | isn't the answer | not the fix | won't move the needle |
    won't do anything | doesn't do anything | won't fix | doesn't fix | won't work |
    doesn't work | not required | bad idea | overrated | overpriced | more complexity than |
    not safe | aren't safe | isn't safe | mess | is wrong | mistake | not an option |
    reckless | impossible | is only for | are only for | a trap | not for us | can wait |
    no good | won't scale | doesn't scale | don't scale | not going to help | wasteful |
    unacceptable | adds latency | add latency | academic | busywork | paranoia |
    add complexity | adds complexity | do nothing | does nothing | are out | is out | waste |
    wastes | misleading | harmful | dangerous | fragile | brittle | counterproductive |
    cause outages | causes outages | polite name for | makes users wait | cut off requests |
    nice-to-have | only slow it down | hides the problem | exaggerated | consultant talk |
    lying | defeats the purpose | never worth | overhead | over-engineering | overengineering |
    won't change | doesn't change | can't split | won't split
    """
)
# More ways people argue against a move (written from how reviewers phrase a "no").
REFUSE_AFTER = REFUSE_AFTER + phrases(
    """
    is a crutch | only adds cost | adds cost | creates more problems |
    more problems than it solves |
    slows everything down | is over the top | doesn't buy us anything | doesn't buy anything |
    buys nothing | gains nothing | isn't worth the complexity | not worth the complexity |
    is a luxury | is premature | just hype | is hype | outdated | old-fashioned |
    is the wrong tool |
    makes it worse | makes things worse | is a distraction | over-engineered | overengineered |
    too complex | too complicated | is a hassle | costs too much | is unneeded | superfluous |
    not how real systems work | nobody does that | nobody needs | no one needs | is a band-aid |
    is silly | is naive | is a gimmick | not for this | isn't for this | overcomplicates |
    complicates things | adds risk | adds more risk | we can skip | can be skipped | is optional
    """
)
# The plain ways anyone says no to a move, after naming it ("K is a bad fit here").
REFUSE_AFTER = REFUSE_AFTER + phrases(
    """
    not something we need | isn't something we need | adds nothing | add nothing |
    bad fit | poor fit | makes no sense | make no sense | won't be needed | will not be needed |
    won't be necessary | not be needed | isn't required | aren't required | is not required |
    the last thing we need | has no place | have no place | red herring | too much for |
    not worth the effort | not a good idea | isn't a good idea | a bad call | wrong move |
    wrong call | not appropriate | isn't appropriate | adds little | little value | no value |
    no benefit | no real benefit | won't buy | doesn't buy | buys us nothing | not buy us |
    we shouldn't | we should not | we won't | we will not | not for now
    """
)
# Still more ways to wave a move away, as reviewers write them ("X is just a band-aid",
# "X for little gain", "X is the wrong answer").
REFUSE_AFTER = REFUSE_AFTER + phrases(
    """
    just a band-aid | a band-aid | band-aid | for little gain | little gain | no real payoff |
    no payoff | not worth the migration | isn't worth the migration | the wrong answer |
    wrong answer | wrong approach | the real problem | same pain | the same pain |
    source of bugs | a constant source | throwing money | to babysit | more complexity for
    """
)
# Verdicts that dismiss, a problem too: "lag is irrelevant", "not a concern".
DISMISS_AFTER = phrases(
    """
    irrelevant | doesn't matter | don't matter | does not matter | not a concern |
    not a real concern | not an issue | not a problem | isn't a problem | isn't an issue |
    aren't a problem | negligible | never happens | won't happen | can't happen |
    won't notice | theoretical | overblown | myth | not real | no big deal | non issue |
    nothing to worry | working fine | work fine | works fine | not a thing | doesn't apply |
    is always under | is always small | never exceeds | isn't a concern | really a concern |
    academic | bureaucracy | gimmick | gimmicks | a distraction | is a distraction |
    isn't worth worrying | not worth worrying | no need to worry | keep working | keeps working |
    still works | still work | work as before | works as before
    """
)
