"""The gateway's live dashboard (bảng điều khiển): one HTML page, its script and its style.

Vanilla JavaScript and inline SVG, served by the gateway itself: nothing is fetched from
anywhere else. The page polls the gateway's JSON API every two seconds.
"""
