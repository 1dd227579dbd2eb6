"""Demo stories for a fictional town paper, and the pictures drawn to go with them.

``load_demo`` turns ``DEMO_STORIES`` into published articles, filed in ``DEMO_SECTIONS``
and written by ``DEMO_AUTHORS`` (bylines that link to author pages), so a fresh checkout
has something to read; ``import_text`` borrows ``make_placeholder_picture`` when a story
arrives without a photograph. Every place, person and quote here is invented.

Credits are stored bare ("Harrowfield Gazette"): templates add ``IMAGE_CREDIT_PREFIX``.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

# The sections of the demo paper, in navigation order: (name, slug, short description).
DEMO_SECTIONS = [
    ("News", "news", "What is happening in Harrowfield and the villages along the Wend."),
    ("Politics", "politics", "The town council, the county and the people who stand for them."),
    ("Business", "business", "Shops, jobs and the firms that keep the market square busy."),
    ("Sport", "sport", "Harrowfield Town, school teams and weekend results."),
    ("Culture", "culture", "Libraries, galleries, music and the town's own history."),
]

# The paper's writers: username -> (first name, last name, short bio). Bylines link to
# their author pages; none of them can log in (load_demo gives them no password).
DEMO_AUTHORS = {
    "alice.marsh": (
        "Alice",
        "Marsh",
        "Alice covers the town hall and the county council. Before journalism she "
        "taught history at Harrowfield Grammar.",
    ),
    "owen.pryce": (
        "Owen",
        "Pryce",
        "Owen reports on the river, the weather and the businesses that depend on both.",
    ),
    "hana.okoro": (
        "Hana",
        "Okoro",
        "Hana writes about schools, libraries and the people who run them.",
    ),
    "dev.kalra": (
        "Dev",
        "Kalra",
        "Dev has followed Harrowfield Town home and away for twelve seasons.",
    ),
}

# The story an editor has pinned as the lead of the demo front page.
DEMO_PINNED_LEAD = "new-flood-defences-on-the-wend-to-be-finished-by-autumn"

DEMO_STORIES = [
    {
        "slug": "harrowfield-council-approves-budget-after-late-night-vote",
        "headline": "Harrowfield council approves budget after late-night vote",
        "standfirst": (
            "Councillors passed next year's spending plan by a single vote, keeping the "
            "Marsh Lane bus route but raising parking charges in the town centre."
        ),
        "body_paragraphs": [
            "Harrowfield Town Council approved its budget for the coming year shortly before "
            "midnight on Tuesday, after a meeting that ran for more than five hours and drew "
            "the largest public gallery in recent memory.",
            "The plan was carried by eleven votes to ten. It protects the subsidised Marsh Lane "
            "bus service, which had been listed for cuts in the first draft, and pays for it "
            "with higher charges at the three council car parks around the market square.",
            "“Nobody on this council enjoys putting up a charge, but a bus that older residents "
            "rely on every day is worth more than twenty minutes of cheap parking,” said "
            "Councillor Priya Ashdown, who chairs the finance committee.",
            "Opposition members argued that shopkeepers would pay the price. Councillor Tom "
            "Wetherby proposed an amendment to phase the increase in over two years, which was "
            "defeated by the same single-vote margin.",
            "“Every trader I have spoken to this month has told me footfall is fragile. This "
            "decision makes the high street a harder place to visit,” said Councillor Wetherby.",
            "The budget also sets aside money for resurfacing Kiln Road and for a feasibility "
            "study into lighting the towpath between Mill Bridge and the railway station.",
            "The new parking charges take effect at the start of April. The council says it "
            "will publish a review of car park use after six months.",
        ],
        "tags": [("Council", "council"), ("Transport", "transport")],
        "section": "politics",
        "authors": ["alice.marsh"],
        "image": {
            "alt_text": "The council chamber seen from the public gallery during a late meeting",
            "caption": "Residents filled the public gallery for Tuesday's budget debate.",
            "credit": "Harrowfield Gazette",
        },
        "colours": ((32, 58, 104), (166, 186, 214)),
        "days_ago": 0,
    },
    {
        "slug": "new-flood-defences-on-the-wend-to-be-finished-by-autumn",
        "headline": "New flood defences on the River Wend to be finished by autumn",
        "standfirst": (
            "Work on a raised embankment and two storage ponds upstream of Mill Bridge is "
            "ahead of schedule, engineers told a public meeting."
        ),
        "body_paragraphs": [
            "Flood defences along the River Wend should be complete before the wettest months "
            "of the year, engineers told around eighty residents at the Methodist hall on "
            "Thursday evening.",
            "The scheme adds a raised grass embankment along the east bank and two shallow "
            "storage ponds on farmland upstream, which are designed to hold back water during "
            "heavy rain and release it slowly once the river falls.",
            "“The ponds do most of the quiet work. On a bad night they take the top off the "
            "flood before it ever reaches the houses,” said Dana Okafor, the project engineer.",
            "Homes on Water Street and Tanner's Row were flooded twice in three winters, and "
            "several families were out of their houses for months while repairs were made.",
            "“I still move the photo albums upstairs whenever the forecast turns. I would love "
            "to be able to stop doing that,” said Margaret Hollis, who has lived on Water Street "
            "for forty years.",
            "The riverside footpath between Mill Bridge and the weir will stay closed until the "
            "embankment has been seeded. A signed diversion runs through Coronation Park.",
        ],
        "tags": [("River Wend", "river-wend"), ("Environment", "environment")],
        "section": "news",
        "authors": ["owen.pryce"],
        "image": {
            "alt_text": "A digger shaping a grass embankment beside a slow brown river",
            "caption": "Work on the east bank embankment near Mill Bridge.",
            "credit": "Newsroom staff",
        },
        "colours": ((24, 84, 92), (150, 196, 170)),
        "days_ago": 2,
    },
    {
        "slug": "st-brennock-robotics-team-heads-to-national-final",
        "headline": "St Brennock's robotics team heads to national final",
        "standfirst": (
            "Six pupils and a robot called Marmalade have qualified for the national schools "
            "championship for the first time in the school's history."
        ),
        "body_paragraphs": [
            "A team of six pupils from St Brennock's Academy will compete in the national "
            "schools robotics final next month, after finishing second at the regional round "
            "in Castlemere on Saturday.",
            "Their robot, a low, orange machine the team named Marmalade, had to sort coloured "
            "blocks, climb a ramp and park itself inside a marked square, all within two "
            "and a half minutes and without anyone touching the controls.",
            "“We rebuilt the gripper three times in the last fortnight. The version that worked "
            "was held together with cable ties at one point,” said Aisha Renwick, 15, the team "
            "captain.",
            "The pupils have met in the science block every Wednesday after school since "
            "September, and spent half-term writing and testing the code that guides the robot "
            "around the arena.",
            "“What impressed the judges was not just the robot. It was how clearly the students "
            "explained every decision they had made,” said Mr Gareth Lyle, the physics teacher "
            "who runs the club.",
            "The school is raising money to cover travel and a night's accommodation for the "
            "final. A cake sale on Friday brought in just over three hundred pounds.",
        ],
        "tags": [("Schools", "schools"), ("Science", "science")],
        "section": "news",
        "authors": ["hana.okoro"],
        "image": {
            "alt_text": "Pupils kneel around a small orange robot on a practice table",
            "caption": "The St Brennock's team with Marmalade after the regional round.",
            "credit": "St Brennock's Academy",
        },
        "colours": ((196, 96, 24), (250, 214, 120)),
        "days_ago": 4,
    },
    {
        "slug": "crumb-and-co-bakery-reopens-on-market-street",
        "headline": "Crumb & Co bakery reopens on Market Street after fire",
        "standfirst": (
            "Queues formed before dawn as the family bakery reopened eight months after an "
            "electrical fire closed it."
        ),
        "body_paragraphs": [
            "Crumb & Co reopened its doors on Market Street on Saturday morning, eight months "
            "after an electrical fire in the kitchen forced the family business to close.",
            "The first customers arrived before six o'clock, and by nine the shop had sold out "
            "of its cheese scones and the cinnamon knots that regulars had been asking about "
            "since the spring.",
            "“We didn't know if people would remember us. Then I opened the blinds and there "
            "was a line going past the chemist,” said Rosa Pellington, who runs the bakery with "
            "her son Daniel.",
            "The kitchen has been rebuilt with new wiring and a second oven, and the shop now "
            "has four small tables by the window for customers who want to sit down.",
            "“My granddad brought me here every Saturday. It felt wrong walking past an empty "
            "window,” said Liam Foster, who was third in the queue.",
            "The bakery will open from Tuesday to Sunday. Mrs Pellington said the staff who "
            "found other work during the closure have all come back.",
        ],
        "tags": [("Business", "business"), ("Food and drink", "food-and-drink")],
        "section": "business",
        "authors": ["owen.pryce", "alice.marsh"],
        "image": {
            "alt_text": "A bakery shop front with a queue of customers along the pavement",
            "caption": "Customers queue outside Crumb & Co on its first morning back.",
            "credit": "Harrowfield Gazette",
        },
        "colours": ((120, 62, 36), (240, 200, 150)),
        "days_ago": 6,
    },
    {
        "slug": "harrowfield-town-edge-past-wendbury-in-derby",
        "headline": "Harrowfield Town edge past Wendbury Rovers in derby",
        "standfirst": (
            "A header in the final minute gave Harrowfield a 2-1 win in front of the biggest "
            "crowd at Kiln Road this season."
        ),
        "body_paragraphs": [
            "Harrowfield Town beat Wendbury Rovers 2-1 at Kiln Road on Saturday, with "
            "substitute Josh Amberley heading in the winner from a corner as the clock ran out.",
            "Wendbury had led at half-time through a low shot from Callum Reyes, and for long "
            "spells the visitors looked the more likely side to score again.",
            "Harrowfield's equaliser came on the hour, when captain Ellie Marr's free kick "
            "bounced off the wall and back to her, and she drove it into the far corner.",
            "“I've never scored with my head in a match before. I just shut my eyes and hoped,” "
            "said Amberley, who had been on the pitch for six minutes.",
            "The club counted 1,240 people through the turnstiles, the best attendance since "
            "the new stand opened two years ago.",
            "“Derbies are never pretty and this one wasn't either, but the players kept going "
            "when it would have been easy to settle for a draw,” said Harrowfield manager "
            "Steve Quinlan.",
            "The result lifts Harrowfield to fourth in the county league. Wendbury host the "
            "return fixture in March.",
        ],
        "tags": [("Sport", "sport"), ("Football", "football")],
        "section": "sport",
        "authors": ["dev.kalra"],
        "image": {
            "alt_text": "Football players in red and white celebrate in front of a home crowd",
            "caption": "Harrowfield players celebrate Josh Amberley's late winner.",
            "credit": "Newsroom staff",
        },
        "colours": ((150, 20, 36), (40, 120, 60)),
        "days_ago": 8,
    },
    {
        "slug": "library-extension-on-chapel-street-gets-go-ahead",
        "headline": "Library extension on Chapel Street gets the go-ahead",
        "standfirst": (
            "Planners approved a two-storey extension that will add a children's floor, a "
            "study room and a small garden to the town library."
        ),
        "body_paragraphs": [
            "Harrowfield's planning committee has approved a two-storey extension to the town "
            "library on Chapel Street, ending three years of debate about how to find room for "
            "its growing list of groups and classes.",
            "The new wing, built on the site of the old boiler house, will give children's "
            "books a floor of their own, add a bookable study room, and open a walled reading "
            "garden to the public for the first time.",
            "“On a rainy Saturday we have toddlers' rhyme time, a chess club and people using "
            "the computers all in one room. Something had to give,” said Helen Carrow, the "
            "branch librarian.",
            "Neighbours had raised concerns about noise and about losing light to the cottages "
            "behind the library. The approved design lowers the roofline at the back and moves "
            "the garden entrance away from the lane.",
            "“I am pleased they listened. The first drawings would have put a wall right "
            "outside my kitchen,” said Bernard Iles, who lives on Chapel Lane.",
            "Building work is expected to start in the summer and last about a year. The "
            "library will stay open throughout, with the children's section moving temporarily "
            "to the community room.",
        ],
        "tags": [("Council", "council"), ("Libraries", "libraries")],
        "section": "culture",
        "authors": ["hana.okoro"],
        "image": {
            "alt_text": "A red-brick library building with tall arched windows",
            "caption": "The Chapel Street library, where the new wing will be built.",
            "credit": "Harrowfield Gazette",
        },
        "colours": ((70, 44, 96), (200, 170, 210)),
        "days_ago": 10,
    },
]


def _font(size):
    """Return a scalable default font, or the small bitmap one on older Pillow builds."""
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, ImportError, OSError):
        # Pillow before 10.1 takes no size, and builds without FreeType cannot scale.
        return ImageFont.load_default()


def _wrap(text, draw, font, width):
    """Split ``text`` into lines no wider than ``width`` pixels when drawn in ``font``."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and draw.textlength(candidate, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def make_demo_picture(colour_a, colour_b, label, size=(1600, 900)):
    """Draw a gradient picture with a few shapes and ``label``; return it as a JPEG file."""
    width, height = size
    # A vertical gradient built from two one-pixel images: Pillow blends it in C.
    top = PILImage.new("RGB", (1, 1), colour_a).resize(size)
    bottom = PILImage.new("RGB", (1, 1), colour_b).resize(size)
    mask = PILImage.linear_gradient("L").resize(size)
    picture = PILImage.composite(bottom, top, mask)

    draw = ImageDraw.Draw(picture, "RGBA")
    unit = min(width, height)
    draw.ellipse(
        (width * 0.62, -unit * 0.25, width * 0.62 + unit * 0.8, unit * 0.55),
        fill=(255, 255, 255, 40),
    )
    draw.rectangle((0, height * 0.72, width, height), fill=(0, 0, 0, 60))
    draw.polygon(
        [(0, height * 0.72), (width * 0.3, height * 0.5), (width * 0.55, height * 0.72)],
        fill=(255, 255, 255, 30),
    )

    font = _font(max(12, unit // 14))
    margin = width // 20
    lines = _wrap(label, draw, font, width - 2 * margin)
    line_height = max(12, unit // 14) * 1.3
    y = height * 0.86 - line_height * len(lines) / 2
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(255, 255, 255))
        y += line_height

    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=82)
    return ContentFile(buffer.getvalue(), name="demo.jpg")


def make_placeholder_picture(label):
    """Return a neutral grey picture showing ``label``, for a story that came without one."""
    return make_demo_picture((70, 70, 74), (170, 170, 176), label)
