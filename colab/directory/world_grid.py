"""Where each country sits on the tile-grid world map: one square per country at a fixed (column, row), roughly
where it lies (the Americas to the west, Europe and Africa in the middle, Asia and Oceania to the east). Small
countries get a tile as large as big ones, so no member's country is lost because it is small. Written for Co-Lab
after the idea of the well-known world tile grid maps; every code in countries.COUNTRIES has exactly one tile (a
test checks it)."""

# One line per row, north to south; each cell is a country code or ".." for sea.
LAYOUT = """
.. .. .. .. .. .. .. GL .. .. .. .. .. .. .. SJ
.. .. CA PM .. .. .. .. .. .. .. IS FO .. NO SE AX FI
.. .. US .. .. BM .. .. .. .. .. .. IE IM GB DK .. EE RU
.. MX .. BS TC .. .. .. .. .. .. .. GG JE NL DE PL LV
.. GT BZ CU HT DO PR VI VG AI .. .. .. FR BE LU CZ LT BY .. KZ .. MN
.. SV HN KY JM .. .. .. MF SX BL PT ES AD CH LI AT SK UA .. UZ KG CN KP .. JP
.. .. NI .. AW CW BQ KN AG MS GP .. GI MC IT SI HU RO MD .. TM TJ .. KR
.. .. CR PA .. TT GD VC LC MQ DM BB .. VA SM HR BA RS BG GE AZ AF PK NP BT MO HK TW .. MP .. .. UM
.. .. .. CO VE GY SR GF .. .. .. .. .. .. MT ME XK MK TR AM .. .. IN BD MM LA VN PH .. GU MH
.. .. EC PE BO BR .. .. .. .. .. .. .. .. .. AL GR CY LB SY IQ IR .. .. TH KH .. .. PW FM
.. .. .. CL PY .. .. .. .. .. .. .. MA DZ TN LY EG PS IL JO KW .. MV LK MY .. BN .. .. .. NR KI
.. .. .. .. AR UY .. .. .. .. .. EH MR ML NE TD SD ER .. SA BH QA AE .. SG ID TL PG SB .. TV TK
.. .. .. .. .. FK .. .. CV SN GM GW GN BF NG CF SS ET DJ YE .. OM IO CC CX .. AU .. VU FJ WF WS AS
.. .. .. .. .. .. .. GS .. .. SL LR CI GH TG BJ CM UG KE SO .. .. .. .. .. .. .. NC .. TO NU CK PF PN
.. .. .. .. .. .. .. .. .. .. .. .. ST GQ GA CG CD RW .. .. SC .. .. .. .. .. .. NF NZ
.. .. .. .. .. .. .. .. .. .. .. SH .. .. .. AO ZM BI TZ KM YT
.. .. .. .. .. .. .. .. .. .. .. .. .. .. .. NA ZW MW MZ MG RE MU
.. .. .. .. .. .. .. .. .. .. .. .. .. .. .. BW ZA SZ .. .. .. TF .. .. HM
.. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. LS
.. .. .. .. .. .. .. .. .. .. .. .. .. BV .. .. .. AQ
"""


def _positions(layout):
    grid = {}
    for row, line in enumerate(layout.strip("\n").splitlines()):
        for column, cell in enumerate(line.split()):
            if cell != "..":
                if cell in grid:
                    raise ValueError(f"{cell} has two tiles")
                grid[cell] = (column, row)
    return grid


GRID = _positions(LAYOUT)  # {code: (column, row)}
COLUMNS = max(column for column, _row in GRID.values()) + 1
ROWS = max(row for _column, row in GRID.values()) + 1
