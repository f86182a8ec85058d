-- sqlscim lab database: functions and procedures for PostgreSQL 12+.
-- Run after schema.sql (psql runs this file as is).
--
-- PostgreSQL procedures cannot return result sets, so each read exists twice:
--
--   * a set-returning FUNCTION, read with SELECT:
--       SELECT * FROM GET_ACTIVEUSERS();
--       SELECT * FROM GET_USER_BY_ID('luke.skywalker@galaxy.local');
--       SELECT * FROM GET_USER_BY_USERNAME('Luke.Skywalker');
--       SELECT * FROM GET_ALL_ENTITLEMENTS();
--       SELECT * FROM GET_USER_ENTITLEMENT('luke.skywalker@galaxy.local');
--
--   * a PROCEDURE with the suffix _RC that opens a refcursor and returns its
--     name in the trailing INOUT parameter; inside one transaction:
--       BEGIN;
--       CALL GET_USER_BY_ID_RC('luke.skywalker@galaxy.local', NULL);  -- returns e.g. <unnamed portal 1>
--       FETCH ALL FROM "<unnamed portal 1>";
--       COMMIT;
--     (pass a name instead of NULL, e.g. CALL GET_ACTIVEUSERS_RC('users'), to choose it).
--
-- The writes are PROCEDUREs (CALL CREATE_USER(...)); they report errors with
-- RAISE EXCEPTION (SQLSTATE P0001).

-- ---------------------------------------------------------------------------
-- Reads: set-returning functions
-- ---------------------------------------------------------------------------

-- All columns of the active users, in table column order.
CREATE FUNCTION GET_ACTIVEUSERS()
RETURNS SETOF USERS
LANGUAGE sql STABLE
AS $$
    SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
           MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
           DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
           PASSWORD_HASH, IS_ACTIVE
    FROM USERS
    WHERE IS_ACTIVE
    ORDER BY USER_ID;
$$;

-- All columns of one user, active or not (no row when it does not exist).
CREATE FUNCTION GET_USER_BY_ID(p_user_id VARCHAR)
RETURNS SETOF USERS
LANGUAGE sql STABLE
AS $$
    SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
           MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
           DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
           PASSWORD_HASH, IS_ACTIVE
    FROM USERS
    WHERE USER_ID = p_user_id;
$$;

-- All columns of the users whose USERNAME equals p_user_name without regard
-- to case, active or not: sqlscim's get_user_by_username.
CREATE FUNCTION GET_USER_BY_USERNAME(p_user_name VARCHAR)
RETURNS SETOF USERS
LANGUAGE sql STABLE
AS $$
    SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
           MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
           DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
           PASSWORD_HASH, IS_ACTIVE
    FROM USERS
    WHERE LOWER(USERNAME) = LOWER(p_user_name); -- served by IX_USERS_USERNAME_LOWER
$$;

-- Every entitlement.
CREATE FUNCTION GET_ALL_ENTITLEMENTS()
RETURNS SETOF ENTITLEMENTS
LANGUAGE sql STABLE
AS $$
    SELECT ENT_ID, ENT_NAME, ENT_DESCRIPTION
    FROM ENTITLEMENTS
    ORDER BY ENT_ID;
$$;

-- The entitlements assigned to one user.
CREATE FUNCTION GET_USER_ENTITLEMENT(p_user_id VARCHAR)
RETURNS TABLE (
    USERENTITLEMENT_ID INTEGER,
    USER_ID            VARCHAR,
    USERNAME           VARCHAR,
    EMAIL              VARCHAR,
    ENT_ID             INTEGER,
    ENT_NAME           VARCHAR,
    ENT_DESCRIPTION    VARCHAR,
    ASSIGNEDDATE       TIMESTAMP
)
LANGUAGE sql STABLE
AS $$
    SELECT ue.USERENTITLEMENT_ID, u.USER_ID, u.USERNAME, u.EMAIL,
           e.ENT_ID, e.ENT_NAME, e.ENT_DESCRIPTION, ue.ASSIGNEDDATE
    FROM USERENTITLEMENTS ue
    JOIN USERS u ON u.USER_ID = ue.USER_ID
    JOIN ENTITLEMENTS e ON e.ENT_ID = ue.ENT_ID
    WHERE ue.USER_ID = p_user_id
    ORDER BY e.ENT_ID;
$$;

-- ---------------------------------------------------------------------------
-- Reads: refcursor procedures (same columns, same order)
-- ---------------------------------------------------------------------------

CREATE PROCEDURE GET_ACTIVEUSERS_RC(INOUT p_cursor REFCURSOR)
LANGUAGE plpgsql
AS $body$
BEGIN
    OPEN p_cursor FOR
        SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
               MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
               DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
               PASSWORD_HASH, IS_ACTIVE
        FROM USERS
        WHERE IS_ACTIVE
        ORDER BY USER_ID;
END;
$body$;

CREATE PROCEDURE GET_USER_BY_ID_RC(p_user_id VARCHAR, INOUT p_cursor REFCURSOR)
LANGUAGE plpgsql
AS $body$
BEGIN
    OPEN p_cursor FOR
        SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
               MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
               DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
               PASSWORD_HASH, IS_ACTIVE
        FROM USERS
        WHERE USER_ID = p_user_id;
END;
$body$;

CREATE PROCEDURE GET_USER_BY_USERNAME_RC(p_user_name VARCHAR, INOUT p_cursor REFCURSOR)
LANGUAGE plpgsql
AS $body$
BEGIN
    OPEN p_cursor FOR
        SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
               MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
               DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
               PASSWORD_HASH, IS_ACTIVE
        FROM USERS
        WHERE LOWER(USERNAME) = LOWER(p_user_name);
END;
$body$;

CREATE PROCEDURE GET_ALL_ENTITLEMENTS_RC(INOUT p_cursor REFCURSOR)
LANGUAGE plpgsql
AS $body$
BEGIN
    OPEN p_cursor FOR
        SELECT ENT_ID, ENT_NAME, ENT_DESCRIPTION
        FROM ENTITLEMENTS
        ORDER BY ENT_ID;
END;
$body$;

CREATE PROCEDURE GET_USER_ENTITLEMENT_RC(p_user_id VARCHAR, INOUT p_cursor REFCURSOR)
LANGUAGE plpgsql
AS $body$
BEGIN
    OPEN p_cursor FOR
        SELECT ue.USERENTITLEMENT_ID, u.USER_ID, u.USERNAME, u.EMAIL,
               e.ENT_ID, e.ENT_NAME, e.ENT_DESCRIPTION, ue.ASSIGNEDDATE
        FROM USERENTITLEMENTS ue
        JOIN USERS u ON u.USER_ID = ue.USER_ID
        JOIN ENTITLEMENTS e ON e.ENT_ID = ue.ENT_ID
        WHERE ue.USER_ID = p_user_id
        ORDER BY e.ENT_ID;
END;
$body$;

-- ---------------------------------------------------------------------------
-- Writes
-- ---------------------------------------------------------------------------

-- Inserts a user; IS_ACTIVE takes its default (TRUE). The first five
-- parameters are mandatory.
CREATE PROCEDURE CREATE_USER(
    p_user_id          VARCHAR,
    p_username         VARCHAR,
    p_firstname        VARCHAR,
    p_lastname         VARCHAR,
    p_email            VARCHAR,
    p_middlename       VARCHAR,
    p_displayname      VARCHAR,
    p_nickname         VARCHAR,
    p_mobilephone      VARCHAR,
    p_streetaddress    VARCHAR,
    p_city             VARCHAR,
    p_state            VARCHAR,
    p_zipcode          VARCHAR,
    p_countrycode      VARCHAR,
    p_timezone         VARCHAR,
    p_organization     VARCHAR,
    p_department       VARCHAR,
    p_managerid        VARCHAR,
    p_manager          VARCHAR,
    p_title            VARCHAR,
    p_employeenumber   VARCHAR,
    p_hiredate         DATE,
    p_terminationdate  DATE,
    p_password_hash    VARCHAR
)
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_user_id IS NULL OR btrim(p_user_id) = '' THEN
        RAISE EXCEPTION 'CREATE_USER: p_user_id is required (NULL or empty)';
    END IF;
    IF p_username IS NULL OR btrim(p_username) = '' THEN
        RAISE EXCEPTION 'CREATE_USER: p_username is required (NULL or empty)';
    END IF;
    IF p_firstname IS NULL OR btrim(p_firstname) = '' THEN
        RAISE EXCEPTION 'CREATE_USER: p_firstname is required (NULL or empty)';
    END IF;
    IF p_lastname IS NULL OR btrim(p_lastname) = '' THEN
        RAISE EXCEPTION 'CREATE_USER: p_lastname is required (NULL or empty)';
    END IF;
    IF p_email IS NULL OR btrim(p_email) = '' THEN
        RAISE EXCEPTION 'CREATE_USER: p_email is required (NULL or empty)';
    END IF;

    INSERT INTO USERS (
        USER_ID, USERNAME, FIRSTNAME, LASTNAME, EMAIL, MIDDLENAME, DISPLAYNAME, NICKNAME,
        MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
        DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
        PASSWORD_HASH
    ) VALUES (
        p_user_id, p_username, p_firstname, p_lastname, p_email, p_middlename, p_displayname, p_nickname,
        p_mobilephone, p_streetaddress, p_city, p_state, p_zipcode, p_countrycode, p_timezone, p_organization,
        p_department, p_managerid, p_manager, p_title, p_employeenumber, p_hiredate, p_terminationdate,
        p_password_hash
    );
END;
$$;

-- Updates every column of a user but USER_ID and IS_ACTIVE. The first five
-- parameters are mandatory. An unknown p_user_id updates nothing.
CREATE PROCEDURE UPDATE_USER(
    p_user_id          VARCHAR,
    p_username         VARCHAR,
    p_firstname        VARCHAR,
    p_lastname         VARCHAR,
    p_email            VARCHAR,
    p_middlename       VARCHAR,
    p_displayname      VARCHAR,
    p_nickname         VARCHAR,
    p_mobilephone      VARCHAR,
    p_streetaddress    VARCHAR,
    p_city             VARCHAR,
    p_state            VARCHAR,
    p_zipcode          VARCHAR,
    p_countrycode      VARCHAR,
    p_timezone         VARCHAR,
    p_organization     VARCHAR,
    p_department       VARCHAR,
    p_managerid        VARCHAR,
    p_manager          VARCHAR,
    p_title            VARCHAR,
    p_employeenumber   VARCHAR,
    p_hiredate         DATE,
    p_terminationdate  DATE,
    p_password_hash    VARCHAR
)
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_user_id IS NULL OR btrim(p_user_id) = '' THEN
        RAISE EXCEPTION 'UPDATE_USER: p_user_id is required (NULL or empty)';
    END IF;
    IF p_username IS NULL OR btrim(p_username) = '' THEN
        RAISE EXCEPTION 'UPDATE_USER: p_username is required (NULL or empty)';
    END IF;
    IF p_firstname IS NULL OR btrim(p_firstname) = '' THEN
        RAISE EXCEPTION 'UPDATE_USER: p_firstname is required (NULL or empty)';
    END IF;
    IF p_lastname IS NULL OR btrim(p_lastname) = '' THEN
        RAISE EXCEPTION 'UPDATE_USER: p_lastname is required (NULL or empty)';
    END IF;
    IF p_email IS NULL OR btrim(p_email) = '' THEN
        RAISE EXCEPTION 'UPDATE_USER: p_email is required (NULL or empty)';
    END IF;

    UPDATE USERS
       SET USERNAME = p_username,
           FIRSTNAME = p_firstname,
           LASTNAME = p_lastname,
           EMAIL = p_email,
           MIDDLENAME = p_middlename,
           DISPLAYNAME = p_displayname,
           NICKNAME = p_nickname,
           MOBILEPHONE = p_mobilephone,
           STREETADDRESS = p_streetaddress,
           CITY = p_city,
           STATE = p_state,
           ZIPCODE = p_zipcode,
           COUNTRYCODE = p_countrycode,
           TIMEZONE = p_timezone,
           ORGANIZATION = p_organization,
           DEPARTMENT = p_department,
           MANAGERID = p_managerid,
           MANAGER = p_manager,
           TITLE = p_title,
           EMPLOYEENUMBER = p_employeenumber,
           HIREDATE = p_hiredate,
           TERMINATIONDATE = p_terminationdate,
           PASSWORD_HASH = p_password_hash
     WHERE USER_ID = p_user_id;
END;
$$;

-- Sets IS_ACTIVE to TRUE (an unknown p_user_id changes nothing).
CREATE PROCEDURE ACTIVATE_USER(p_user_id VARCHAR)
LANGUAGE sql
AS $$
    UPDATE USERS SET IS_ACTIVE = TRUE WHERE USER_ID = p_user_id;
$$;

-- Sets IS_ACTIVE to FALSE (an unknown p_user_id changes nothing).
CREATE PROCEDURE DEACTIVATE_USER(p_user_id VARCHAR)
LANGUAGE sql
AS $$
    UPDATE USERS SET IS_ACTIVE = FALSE WHERE USER_ID = p_user_id;
$$;

-- Assigns an entitlement; fails when the user or the entitlement does not
-- exist, does nothing when the assignment already exists.
CREATE PROCEDURE ADD_ENTITLEMENT_TO_USER(p_user_id VARCHAR, p_ent_id INTEGER)
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM USERS WHERE USER_ID = p_user_id) THEN
        RAISE EXCEPTION 'ADD_ENTITLEMENT_TO_USER: user does not exist (p_user_id)';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ENTITLEMENTS WHERE ENT_ID = p_ent_id) THEN
        RAISE EXCEPTION 'ADD_ENTITLEMENT_TO_USER: entitlement does not exist (p_ent_id)';
    END IF;
    INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID)
    VALUES (p_user_id, p_ent_id)
    ON CONFLICT ON CONSTRAINT UQ_USERENTITLEMENTS_USER_ENT DO NOTHING;
END;
$$;

-- Removes an assignment; no error when it does not exist.
CREATE PROCEDURE REMOVE_ENTITLEMENT_FROM_USER(p_user_id VARCHAR, p_ent_id INTEGER)
LANGUAGE sql
AS $$
    DELETE FROM USERENTITLEMENTS WHERE USER_ID = p_user_id AND ENT_ID = p_ent_id;
$$;
