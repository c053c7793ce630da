"""Countries: Gleditsch-Ward codes, ISO 3166 numeric codes and ACLED regions.

UCDP identifies countries by their Gleditsch-Ward (GW) code; ACLED by the
ISO 3166-1 numeric code (``iso``) and a region. This table crosses the two for
every state UCDP's GED covers (1989 on), so a global GED file converts with
``iso`` filled everywhere, not only around Libya. Names are the ISO 3166 names
(as in pycountry, which the tests check every code against); Kosovo has no
ISO 3166 numeric code and gets 0. ACLED regions are given only where ACLED's
own files or reference show them (:data:`ACLED_REGIONS`): its grouping is its
own (Afghanistan is in "Caucasus and Central Asia"), so it is not guessed.

Former states GED still uses for early years map to their successor's ISO
code where one exists (Yugoslavia 345 -> Serbia; USSR 365 -> Russia; North
Yemen 678 -> Yemen); South Yemen (680) and East Germany (265), which ended
before or as GED begins, are left out.

Examples
--------
>>> from libyaevents.vocab.countries import BY_GW
>>> BY_GW[620]
Country(gw=620, iso=434, name='Libya', region='Northern Africa')
>>> BY_GW[520].region, BY_GW[750].region
('Eastern Africa', None)
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, NamedTuple

__all__ = ["ACLED_REGIONS", "BY_GW", "COUNTRIES", "Country"]


class Country(NamedTuple):
    """One state: GW code, ISO 3166 numeric code, ISO short name, ACLED region if known."""

    gw: int
    iso: int
    name: str
    region: str | None


#: ACLED regions, by GW code, where this project has them: Libya (ACLED's
#: reference), Somalia and Afghanistan (the real exports in the test data) and
#: Libya's other neighbours (as the UCDP loader has mapped them since it was
#: written). Other countries have none here.
ACLED_REGIONS: Final = MappingProxyType({
    620: "Northern Africa", 651: "Northern Africa", 616: "Northern Africa",
    615: "Northern Africa", 625: "Northern Africa", 483: "Middle Africa",
    436: "Western Africa", 520: "Eastern Africa", 700: "Caucasus and Central Asia",
})  # fmt: skip

#: Every state, by GW code.
COUNTRIES: Final = tuple(Country(gw, iso, name, ACLED_REGIONS.get(gw)) for gw, iso, name in (
    (2, 840, "United States"), (20, 124, "Canada"),
    (31, 44, "Bahamas"), (40, 192, "Cuba"), (41, 332, "Haiti"),
    (42, 214, "Dominican Republic"), (51, 388, "Jamaica"),
    (52, 780, "Trinidad and Tobago"), (53, 52, "Barbados"),
    (70, 484, "Mexico"), (80, 84, "Belize"), (90, 320, "Guatemala"),
    (91, 340, "Honduras"), (92, 222, "El Salvador"), (93, 558, "Nicaragua"),
    (94, 188, "Costa Rica"), (95, 591, "Panama"),
    (100, 170, "Colombia"), (101, 862, "Venezuela, Bolivarian Republic of"), (110, 328, "Guyana"),
    (115, 740, "Suriname"), (130, 218, "Ecuador"), (135, 604, "Peru"),
    (140, 76, "Brazil"), (145, 68, "Bolivia, Plurinational State of"), (150, 600, "Paraguay"),
    (155, 152, "Chile"), (160, 32, "Argentina"), (165, 858, "Uruguay"),
    (200, 826, "United Kingdom"), (205, 372, "Ireland"),
    (210, 528, "Netherlands"), (211, 56, "Belgium"), (212, 442, "Luxembourg"),
    (220, 250, "France"), (225, 756, "Switzerland"), (230, 724, "Spain"),
    (232, 20, "Andorra"), (235, 620, "Portugal"), (260, 276, "Germany"),
    (290, 616, "Poland"), (305, 40, "Austria"), (310, 348, "Hungary"),
    (316, 203, "Czechia"), (317, 703, "Slovakia"), (325, 380, "Italy"),
    (338, 470, "Malta"), (339, 8, "Albania"), (341, 499, "Montenegro"),
    (343, 807, "North Macedonia"), (344, 191, "Croatia"), (345, 688, "Serbia"),
    (346, 70, "Bosnia and Herzegovina"), (347, 0, "Kosovo"),
    (349, 705, "Slovenia"), (350, 300, "Greece"), (352, 196, "Cyprus"),
    (355, 100, "Bulgaria"), (359, 498, "Moldova, Republic of"), (360, 642, "Romania"),
    (365, 643, "Russian Federation"), (366, 233, "Estonia"),
    (367, 428, "Latvia"), (368, 440, "Lithuania"), (369, 804, "Ukraine"),
    (370, 112, "Belarus"), (371, 51, "Armenia"), (372, 268, "Georgia"),
    (373, 31, "Azerbaijan"), (375, 246, "Finland"), (380, 752, "Sweden"),
    (385, 578, "Norway"), (390, 208, "Denmark"), (395, 352, "Iceland"),
    (402, 132, "Cabo Verde"), (404, 624, "Guinea-Bissau"),
    (411, 226, "Equatorial Guinea"), (420, 270, "Gambia"), (432, 466, "Mali"),
    (433, 686, "Senegal"), (434, 204, "Benin"), (435, 478, "Mauritania"),
    (436, 562, "Niger"), (437, 384, "Côte d'Ivoire"), (438, 324, "Guinea"),
    (439, 854, "Burkina Faso"), (450, 430, "Liberia"), (451, 694, "Sierra Leone"),
    (452, 288, "Ghana"), (461, 768, "Togo"), (471, 120, "Cameroon"),
    (475, 566, "Nigeria"), (481, 266, "Gabon"),
    (482, 140, "Central African Republic"), (483, 148, "Chad"),
    (484, 178, "Congo"), (490, 180, "Congo, The Democratic Republic of the"),
    (500, 800, "Uganda"), (501, 404, "Kenya"),
    (510, 834, "Tanzania, United Republic of"), (516, 108, "Burundi"),
    (517, 646, "Rwanda"), (520, 706, "Somalia"), (522, 262, "Djibouti"),
    (530, 231, "Ethiopia"), (531, 232, "Eritrea"), (540, 24, "Angola"),
    (541, 508, "Mozambique"), (551, 894, "Zambia"), (552, 716, "Zimbabwe"),
    (553, 454, "Malawi"), (560, 710, "South Africa"), (565, 516, "Namibia"),
    (570, 426, "Lesotho"), (571, 72, "Botswana"), (572, 748, "Eswatini"),
    (580, 450, "Madagascar"), (581, 174, "Comoros"), (590, 480, "Mauritius"),
    (600, 504, "Morocco"), (615, 12, "Algeria"), (616, 788, "Tunisia"),
    (620, 434, "Libya"), (625, 729, "Sudan"), (626, 728, "South Sudan"),
    (630, 364, "Iran, Islamic Republic of"), (640, 792, "Türkiye"),
    (645, 368, "Iraq"), (651, 818, "Egypt"), (652, 760, "Syrian Arab Republic"),
    (660, 422, "Lebanon"), (663, 400, "Jordan"), (666, 376, "Israel"),
    (670, 682, "Saudi Arabia"), (678, 887, "Yemen"), (690, 414, "Kuwait"),
    (692, 48, "Bahrain"), (694, 634, "Qatar"), (696, 784, "United Arab Emirates"),
    (698, 512, "Oman"), (700, 4, "Afghanistan"), (701, 795, "Turkmenistan"),
    (702, 762, "Tajikistan"), (703, 417, "Kyrgyzstan"),
    (704, 860, "Uzbekistan"), (705, 398, "Kazakhstan"), (710, 156, "China"),
    (712, 496, "Mongolia"), (713, 158, "Taiwan, Province of China"),
    (731, 408, "Korea, Democratic People's Republic of"),
    (732, 410, "Korea, Republic of"), (740, 392, "Japan"), (750, 356, "India"),
    (760, 64, "Bhutan"), (770, 586, "Pakistan"), (771, 50, "Bangladesh"),
    (775, 104, "Myanmar"), (780, 144, "Sri Lanka"), (781, 462, "Maldives"),
    (790, 524, "Nepal"), (800, 764, "Thailand"), (811, 116, "Cambodia"),
    (812, 418, "Lao People's Democratic Republic"), (816, 704, "Viet Nam"),
    (820, 458, "Malaysia"), (830, 702, "Singapore"), (835, 96, "Brunei Darussalam"),
    (840, 608, "Philippines"), (850, 360, "Indonesia"),
    (860, 626, "Timor-Leste"), (900, 36, "Australia"),
    (910, 598, "Papua New Guinea"), (920, 554, "New Zealand"),
    (940, 90, "Solomon Islands"), (950, 242, "Fiji"),
))  # fmt: skip

#: GW code -> country.
BY_GW: Final = MappingProxyType({c.gw: c for c in COUNTRIES})
