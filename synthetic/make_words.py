"""Build ``words.txt``, the synthetic archive's vocabulary, most common word first.

The list is written here by hand (base words) and grown by regular English inflection,
so it owes nothing to any corpus. Run ``python -m synthetic.make_words > synthetic/words.txt``
after changing it; a test checks the shipped file matches.

Rank matters: the archive draws words with a Zipf distribution over this order, so the
function words and a few news words near the top appear in nearly every article and
the inflected forms at the end are rare.
"""

import random

# Roughly in the order they are common in news prose; "said" and a few news nouns are
# placed among them so a common content word (``COMMON_WORD``) is in nearly every article.
TOP = """
the of and to a in that is for on said was with as it he at by from his be have
has are they an but not which were this their had who been she her will more than
one council would also after two about people its we year when there could into
first some new last over them other time up out all what so only if most government
"""

NOUNS = """
accident account action address advice agency agenda agreement airport allotment
allowance ambulance amount analysis anniversary announcement answer apartment appeal
application appointment approach area argument army arrangement arrest article artist
assembly assessment attack attempt attention audience author authority average award
baby background balance ballot band bank bar barrier base basis battle beach bed
beginning behaviour belief benefit bicycle bid bill birthday board boat body bond book
border bottle boundary box branch brand bread breakfast bridge brother budget building
bus business cabinet cafe cake campaign canal candidate capital car card career carer
case cash castle cathedral cause celebration centre century ceremony chair chairman
challenge champion championship chance change chapel chapter character charge charity
chart check chemist chief child choice choir church cinema circle citizen city claim
class classroom client climate clinic clock club coach coast code colleague collection
college colour column comedy comment commission committee community company comparison
competition complaint concern concert conclusion condition conference confidence
conflict connection consultation contact content contest contract contribution control
corner cost cottage count councillor country county couple course court cousin cover
crash crew crime crisis critic crop crossing crowd culture cup customer cut cycle
damage dance danger date daughter deadline deal death debate debt decade decision
defence deficit degree delay delivery demand department deposit design desk detail
development device difference dinner direction director discussion disease distance
district doctor document dog door doubt draft drain drama dream dress drink driver
drug duty economy edge edition editor education effect effort election electricity
element emergency employee employer end energy engine engineer entry environment
equipment error estate evening event evidence exam example exhibition expansion
experience expert explanation face facility fact factor factory failure fair family
farm farmer father fault fear feature fee festival field fight figure film final
finance finding fire firm fish flat flight flood floor flower focus food football
force forecast forest form fortnight forum foundation freedom friend front fuel fund
funding future gallery game garage garden gas gate generation gift girl goal gold
government grant grass ground group growth guest guide hall hand harbour head health
hearing heart heat height help hill history holiday home hope hospital hotel hour house
household housing idea image impact improvement incident income increase index industry
inflation information injury inquiry inspector institute insurance interest interview
investigation investment island issue item job journey judge jury key kid kitchen
knowledge lab labour lack lake land lane language law lawyer leader league lease
lecture legacy length lesson letter level library licence life light limit line link
list loan lobby location loss lunch machine magazine majority manager market match
matter mayor meal meaning measure meeting member memory message method middle mile
mill minister minority minute model moment money month morning mother motion mountain
move movement museum music nation nature neighbour network night noise north note
notice number nurse object occasion offer office officer official operation opinion
opportunity option order organisation outcome owner package page pain painting pair
panel parent park parking part partner party passenger past path patient pattern
payment peace penalty pension percent performance period permission person petition
phone photo picture piece pitch place plan planning plant platform player pocket poem
point police policy pond pool population port position post pound power practice
president press pressure price priority prison problem process product production
profit programme project promise property proposal protest pub public purpose quality
quarter question queue race rail rain range rate reader reason record recovery
referendum region relationship release rent repair report reporter request research
resident resource response rest result return review reward right risk river road
rock role roof room round route row rule safety salary sale sample scheme school
science score screen sea season seat second secretary section sector security seller
sense series service session settlement shape share shelter shift ship shop shortage
show side sign signal site situation size skill sky society soldier solution son song
source south space speaker speech speed spending sport spring square staff stage stake
standard star start station statement status step stock stone store storm story
strategy street strength strike structure student studio study subject success
suggestion summer supply support surface survey system table talk target task tax
teacher team technology telephone television term test theatre theory thing threat
ticket tide title total tour tower town track trade traffic train training transport
travel treatment tree trial trip trouble truck trust truth turn union unit university
user valley value van vehicle version victim view village visit visitor voice volunteer
vote voter wage walk wall war ward warning waste water wave way wealth weather website
wedding week weekend weight welfare west wife window winner winter woman word work
worker world writer yard youth zone
"""

VERBS = """
accept achieve act add admit affect agree allow announce answer appear apply appoint
approve argue arrange arrive ask attend attract avoid back ban believe belong block
book borrow call campaign care carry cause celebrate change charge check claim clean
close collect combine comment compare compete complain complete concern confirm
consider contact contain continue contribute control convince cook count cover create
cross damage debate decide declare defend deliver demand deny depend describe
design destroy develop discover discuss display divide donate doubt dream drop
earn ease edit employ encourage end enjoy ensure enter escape establish estimate expand
expect explain explore express extend face fail fear feature fill finish fix follow
force form found fund gather guess handle happen hate help hire hope host identify
ignore imagine improve include increase indicate inform insist inspect install intend
introduce invest invite involve join judge jump kick kill knock land last laugh launch
learn list listen live load locate look love manage mark match measure mention
miss mix move name need note notice object observe obtain occur offer open order
organise own paint park pass perform pick place plan plant play point post pour
prefer prepare present preserve press prevent print produce promise protect protest
prove provide publish pull purchase push question raise reach realise receive
recognise recommend record recover reduce refer reflect refuse regard reject relate
release rely remain remember remove rent repair repeat replace reply report represent
request require rescue reserve resign resist respond rest restore retain retire return
reveal review rise risk rush save score search secure seem select serve settle share
shout sign solve sort sound start stay step stop study submit succeed suffer suggest
supply support suppose surprise survive switch talk test thank touch tour train
transfer travel treat trust try turn urge use value visit vote wait walk want warn
wash watch welcome wish wonder work worry
"""

# Irregular verbs with their forms: base, third person, past, past participle, -ing.
IRREGULAR = """
be is was been being|become becomes became become becoming|begin begins began begun
beginning|break breaks broke broken breaking|bring brings brought brought bringing|build
builds built built building|buy buys bought bought buying|choose chooses chose chosen
choosing|come comes came come coming|do does did done doing|draw draws drew drawn
drawing|drive drives drove driven driving|eat eats ate eaten eating|fall falls fell
fallen falling|feel feels felt felt feeling|find finds found found finding|fly flies
flew flown flying|forget forgets forgot forgotten forgetting|get gets got got getting|give
gives gave given giving|go goes went gone going|grow grows grew grown growing|have has
had had having|hear hears heard heard hearing|hold holds held held holding|keep keeps
kept kept keeping|know knows knew known knowing|leave leaves left left leaving|lend lends
lent lent lending|let lets let let letting|lie lies lay lain lying|lose loses lost lost
losing|make makes made made making|mean means meant meant meaning|meet meets met met
meeting|pay pays paid paid paying|put puts put put putting|read reads read read
reading|lead leads led led leading|cut cuts cut cut cutting|die dies died died
dying|ride rides rode ridden riding|ring rings rang rung ringing|run runs ran run
running|say says said said saying|see sees saw seen seeing|sell sells sold sold
selling|send sends sent sent sending|set sets set set setting|shake shakes shook shaken
shaking|shine shines shone shone shining|shoot shoots shot shot shooting|show shows
showed shown showing|shut shuts shut shut shutting|sing sings sang sung singing|sit sits
sat sat sitting|sleep sleeps slept slept sleeping|speak speaks spoke spoken
speaking|spend spends spent spent spending|stand stands stood stood standing|steal
steals stole stolen stealing|swim swims swam swum swimming|take takes took taken
taking|teach teaches taught taught teaching|tell tells told told telling|think thinks
thought thought thinking|throw throws threw thrown throwing|understand understands
understood understood understanding|wake wakes woke woken waking|wear wears wore worn
wearing|win wins won won winning|write writes wrote written writing
"""

ADJECTIVES = """
able active actual additional afraid aged alive ancient angry annual anxious
available aware bad basic beautiful big bitter black blue bold brave brief bright
broad brown busy calm capable careful central certain cheap chief civil clean clear
close cold comfortable common complete complex concerned confident constant cool
correct costly crucial cultural current dark dead dear deep democratic direct
dirty distant domestic double dry due early eastern easy economic effective elderly
empty entire environmental equal essential exact excellent existing expensive extra
fair false familiar famous far fast fat fierce final financial fine firm flat fond
foreign formal former fortunate free fresh friendly full funny general gentle global
golden good grand grateful great green grey guilty happy hard healthy heavy helpful
hidden high historic honest hot huge human ideal illegal important impossible
independent individual industrial informal initial inner innocent internal
international junior keen key kind large late leading legal level likely limited
little live local lonely long loud low lucky main major male medical mental mild
military minor missing mixed modern narrow national native natural near neat
necessary negative nervous net normal northern nuclear obvious odd official old open
opposite ordinary original outer overall patient peaceful personal physical plain
pleasant poor popular positive possible powerful practical precious present pretty
previous primary prime private proper proud public pure quick quiet rapid rare raw
ready real recent regional regular relevant reliable remote responsible rich right
rough round royal rural sad safe scared secret senior separate serious severe sharp
short significant silent similar simple single slight slow small smart smooth social
soft solid southern special specific stable steady steep strange strict strong
successful sudden suitable sunny sure sweet tall temporary terrible thick thin tiny
tired total tough traditional true typical unable unique united unusual upper urban
useful usual valuable various vast visible vital warm weak wealthy weekly western wet
white whole wide wild willing wise wonderful wooden working worried wrong young
"""

ADVERBS = """
again ago ahead almost already always anyway around away back badly barely certainly
clearly closely currently daily directly early easily either else enough entirely
especially even eventually ever exactly finally fully further generally hardly here
however immediately indeed instead just largely lately later less likely mainly maybe
merely mostly much nearly never now often once otherwise perhaps possibly probably
quickly quite rather really recently roughly seriously shortly simply slightly slowly
somewhat soon still suddenly then there therefore though today together tomorrow
tonight too truly twice usually very well yesterday yet
"""

FUNCTION = """
about above across against along although among another any anybody anyone anything
because before behind below beneath beside besides between beyond both can cannot
despite down during each either every everybody everyone everything few five four
hers herself him himself hundred its itself less many me might mine must my myself
neither nine nobody none nor nothing our ours ourselves per several seven shall should
since six somebody someone something ten these those three through throughout thousand
till toward towards twenty under unless until upon us via whatever whenever where
whereas wherever whether while whom whose why within without yours yourself
"""


# Nouns with no plural in news prose, and plurals that are not regular.
UNCOUNTABLE = set(
    """
advice behaviour cash education electricity equipment evidence fish funding gold grass
health housing inflation information knowledge labour money music parking peace percent
planning research safety series spending staff traffic training transport wealth weather
welfare freedom youth
""".split()
)
IRREGULAR_PLURALS = {
    "analysis": "analyses",
    "child": "children",
    "crisis": "crises",
    "life": "lives",
    "person": "people",
    "wife": "wives",
    "woman": "women",
}
# Verbs that double their last consonant before -ed and -ing (British spelling).
DOUBLING = set("admit ban control drop occur plan prefer refer step stop submit travel".split())


def _plural(noun):
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _verb_forms(verb):
    """Return the regular forms of ``verb``: -s, -ed, -ing."""
    if verb in DOUBLING:
        return [verb + "s", verb + verb[-1] + "ed", verb + verb[-1] + "ing"]
    if verb.endswith("ee"):
        return [verb + "s", verb + "d", verb + "ing"]
    if verb.endswith("e"):
        return [verb + "s", verb + "d", verb[:-1] + "ing"]
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return [verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"]
    if verb.endswith(("s", "x", "ch", "sh")):
        return [verb + "es", verb + "ed", verb + "ing"]
    return [verb + "s", verb + "ed", verb + "ing"]


def build_words():
    """Return the vocabulary, most common first, each word once."""
    ordered = dict.fromkeys(TOP.split())
    bases, forms = [], []
    for noun in NOUNS.split():
        bases.append(noun)
        if noun not in UNCOUNTABLE:
            forms.append(_plural(noun))
    for verb in VERBS.split():
        bases.append(verb)
        forms.extend(_verb_forms(verb))
    for entry in IRREGULAR.split("|"):
        base, *rest = entry.split()
        bases.append(base)
        forms.extend(rest)
    for adjective in ADJECTIVES.split():
        bases.append(adjective)
        if adjective.endswith("l") and not adjective.endswith("ll"):
            forms.append(adjective + "ly")
    bases.extend(ADVERBS.split())
    bases.extend(FUNCTION.split())
    # A fixed shuffle: base forms are more common than inflected ones, and nouns, verbs
    # and adjectives mix at every rank.
    shuffler = random.Random(9)  # noqa: S311 - a fixed order, not a secret
    shuffler.shuffle(bases)
    shuffler.shuffle(forms)
    for word in [*bases, *forms]:
        ordered.setdefault(word, None)
    return list(ordered)


if __name__ == "__main__":
    print("\n".join(build_words()))
