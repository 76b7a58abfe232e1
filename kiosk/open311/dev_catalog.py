"""The development server's services and their definitions, from the city's 311 plan (REPORT and
REQUEST lists): every datatype, required and optional fields, an information-only attribute, one
batch service and one without a definition. Plain dicts in the GeoReport v2 JSON shape."""

from __future__ import annotations

from typing import Any

YES_NO = [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]


def _values(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "name": name} for key, name in pairs]


def _attr(
    code: str,
    datatype: str,
    description: str,
    order: int,
    *,
    required: bool = False,
    variable: bool = True,
    datatype_description: str = "",
    values: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    return {
        "variable": variable,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": datatype_description,
        "order": order,
        "description": description,
        "values": values or [],
    }


SERVICES: list[dict[str, Any]] = [
    {
        "service_code": "GRAFFITI",
        "service_name": "Graffiti",
        "description": "Graffiti on public or private property.",
        "metadata": True,
        "type": "realtime",
        "keywords": "graffiti,tagging,vandalism",
        "group": "Report",
    },
    {
        "service_code": "ABANDONED_VEHICLE",
        "service_name": "Abandoned auto or bike",
        "description": "A vehicle or bicycle left in the right-of-way.",
        "metadata": True,
        "type": "realtime",
        "keywords": "abandoned,auto,car,bike,vehicle",
        "group": "Report",
    },
    {
        "service_code": "SIDEWALK_HAZARD",
        "service_name": "Sidewalk obstruction or hazard",
        "description": "Something blocks the sidewalk or makes it unsafe.",
        "metadata": True,
        "type": "realtime",
        "keywords": "sidewalk,hazard,obstruction,trip",
        "group": "Report",
    },
    {
        "service_code": "NOISE",
        "service_name": "Noise violation",
        "description": "Noise beyond what the city's noise code allows.",
        "metadata": True,
        "type": "realtime",
        "keywords": "noise,loud,music,construction",
        "group": "Report",
    },
    {
        "service_code": "STREET_MAINTENANCE",
        "service_name": "Pothole or street maintenance",
        "description": "Potholes, debris or hazards in the roadway.",
        "metadata": True,
        "type": "realtime",
        "keywords": "pothole,street,road,debris",
        "group": "Report",
    },
    {
        "service_code": "ILLEGAL_DUMPING",
        "service_name": "Illegal dumping",
        "description": "Trash, furniture or other items dumped in a public place.",
        "metadata": True,
        "type": "realtime",
        "keywords": "dumping,trash,junk,mattress",
        "group": "Report",
    },
    {
        "service_code": "ACCOMMODATION",
        "service_name": "ADA or language accommodation",
        "description": "An interpreter, translation or disability accommodation for a City meeting or service.",
        "metadata": True,
        "type": "batch",  # staff review these in the morning: the id comes later, through a token
        "keywords": "ada,accessibility,interpreter,translation,language",
        "group": "Request",
    },
    {
        "service_code": "PARKING_METER",
        "service_name": "Parking meter issue",
        "description": "A parking meter that is broken or does not take payment.",
        "metadata": False,
        "type": "realtime",
        "keywords": "parking,meter",
        "group": "Report",
    },
]

DEFINITIONS: dict[str, list[dict[str, Any]]] = {
    "GRAFFITI": [
        _attr(
            "NOTE",
            "string",
            "Graffiti on private property is the owner's to remove within 10 days; the City sends a notice.",
            1,
            variable=False,
        ),
        _attr(
            "SURFACE",
            "singlevaluelist",
            "What is the graffiti on?",
            2,
            required=True,
            values=_values(
                ("building", "Building wall"),
                ("sign", "Street sign"),
                ("utility", "Utility box or pole"),
                ("sidewalk", "Sidewalk"),
                ("other", "Something else"),
            ),
        ),
        _attr("OFFENSIVE", "singlevaluelist", "Is it offensive or hateful?", 3, values=YES_NO),
        _attr(
            "AREA", "number", "About how large is it?", 4, datatype_description="Square feet, for example 12"
        ),
    ],
    "ABANDONED_VEHICLE": [
        _attr(
            "KIND",
            "singlevaluelist",
            "What kind of vehicle?",
            1,
            required=True,
            values=_values(
                ("car", "Car"), ("truck", "Truck or van"), ("rv", "RV or trailer"), ("bike", "Bicycle")
            ),
        ),
        _attr("PLATE", "string", "License plate, if you can see it", 2),
        _attr("COLOR_MAKE", "string", "Color and make", 3),
        _attr("DAYS", "number", "How many days has it been there?", 4, required=True),
        _attr(
            "FIRST_SEEN",
            "datetime",
            "When did you first see it?",
            5,
            datatype_description="ISO 8601, for example 2026-11-20T08:00:00-08:00",
        ),
    ],
    "SIDEWALK_HAZARD": [
        _attr(
            "HAZARD",
            "multivaluelist",
            "What is the problem? Choose all that apply.",
            1,
            required=True,
            values=_values(
                ("roots", "Tree roots lifting the pavement"),
                ("broken", "Broken or missing concrete"),
                ("debris", "Debris or objects"),
                ("sign", "Sign or pole in the way"),
                ("vegetation", "Overgrown plants"),
            ),
        ),
        _attr(
            "BLOCKS_WHEELCHAIR",
            "singlevaluelist",
            "Can a wheelchair get past?",
            2,
            required=True,
            values=YES_NO,
        ),
        _attr("DETAILS", "text", "Anything else the crew should know", 3),
    ],
    "NOISE": [
        _attr(
            "SOURCE",
            "singlevaluelist",
            "Where does the noise come from?",
            1,
            required=True,
            values=_values(
                ("construction", "Construction"),
                ("music", "Amplified music"),
                ("vehicle", "Vehicle or engine"),
                ("business", "A business"),
                ("other", "Something else"),
            ),
        ),
        _attr("STARTED", "datetime", "When did it start?", 2, required=True),
        _attr("ONGOING", "singlevaluelist", "Is it still going on?", 3, values=YES_NO),
        _attr(
            "NOTE",
            "text",
            "For noise happening right now at night, you can also call the non-emergency line.",
            4,
            variable=False,
        ),
    ],
    "STREET_MAINTENANCE": [
        _attr(
            "PROBLEM",
            "singlevaluelist",
            "What is the problem?",
            1,
            required=True,
            values=_values(
                ("pothole", "Pothole"),
                ("debris", "Debris or hazard in the roadway"),
                ("sinkhole", "Sinking pavement"),
                ("curb", "Damaged curb"),
            ),
        ),
        _attr("SIZE", "number", "About how wide, in inches?", 2),
        _attr("LANE", "string", "Which lane or side of the street?", 3),
    ],
    "ILLEGAL_DUMPING": [
        _attr(
            "ITEMS",
            "multivaluelist",
            "What was dumped? Choose all that apply.",
            1,
            required=True,
            values=_values(
                ("furniture", "Furniture"),
                ("mattress", "Mattress"),
                ("appliance", "Appliance"),
                ("tires", "Tires"),
                ("bags", "Bags of trash"),
                ("hazardous", "Paint, oil or chemicals"),
            ),
        ),
        _attr("AMOUNT", "number", "About how many items?", 2),
        _attr("PRIVATE", "singlevaluelist", "Is it on private property?", 3, values=YES_NO),
    ],
    "ACCOMMODATION": [
        _attr(
            "NEEDS",
            "multivaluelist",
            "What do you need?",
            1,
            required=True,
            values=_values(
                ("interpreter", "Spoken-language interpreter"),
                ("asl", "Sign language interpreter"),
                ("translation", "Translated documents"),
                ("large_print", "Large print"),
                ("captioning", "Captioning"),
                ("access", "Wheelchair or mobility access"),
            ),
        ),
        _attr("LANGUAGE", "string", "Which language?", 2),
        _attr("WHEN", "datetime", "When is the meeting or appointment?", 3, required=True),
        _attr("EVENT", "text", "Which meeting, event or service is it for?", 4, required=True),
        _attr(
            "CONTACT_BY",
            "singlevaluelist",
            "How should we contact you?",
            5,
            values=_values(("email", "Email"), ("phone", "Phone"), ("text", "Text message")),
        ),
        _attr(
            "NOTE",
            "string",
            "Requests are answered within two business days; ask at least five business days ahead.",
            6,
            variable=False,
        ),
    ],
}

AGENCIES = {
    "GRAFFITI": "Office of Community & Civic Life",
    "ABANDONED_VEHICLE": "Bureau of Transportation",
    "SIDEWALK_HAZARD": "Bureau of Transportation",
    "NOISE": "Noise Control Office",
    "STREET_MAINTENANCE": "Bureau of Transportation",
    "ILLEGAL_DUMPING": "Bureau of Planning and Sustainability",
    "ACCOMMODATION": "Office of Equity and Human Rights",
    "PARKING_METER": "Bureau of Transportation",
}


def service(code: str) -> dict[str, Any] | None:
    return next((s for s in SERVICES if s["service_code"] == code), None)
