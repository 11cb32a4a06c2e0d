package io.ha4neo.schemas.value;

import java.util.Arrays;

/**
 * A spatial point with its coordinate reference system, identified by SRID:
 * 7203 Cartesian 2D, 9157 Cartesian 3D, 4326 WGS-84 2D, 4979 WGS-84 3D.
 *
 * @param srid the CRS code
 * @param coordinates 2 or 3 coordinates (x, y[, z] or longitude, latitude[, height])
 */
public record Point(int srid, double[] coordinates) {
    public static final int CARTESIAN = 7203;
    public static final int CARTESIAN_3D = 9157;
    public static final int WGS84 = 4326;
    public static final int WGS84_3D = 4979;

    public Point {
        if (coordinates == null || coordinates.length < 2 || coordinates.length > 3) {
            throw new IllegalArgumentException("a point has 2 or 3 coordinates, got "
                    + (coordinates == null ? "null" : coordinates.length));
        }
        coordinates = coordinates.clone();
    }

    @Override
    public double[] coordinates() {
        return coordinates.clone();
    }

    /** Bit-exact comparison, so that -0.0 and 0.0 are different coordinates, as in the store. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Point p && p.srid == srid && Arrays.equals(p.coordinates, coordinates);
    }

    @Override
    public int hashCode() {
        return 31 * srid + Arrays.hashCode(coordinates);
    }

    @Override
    public String toString() {
        return "Point{srid=" + srid + ", " + Arrays.toString(coordinates) + "}";
    }
}
